app-name = Pelihara
language-name = Bahasa Indonesia
