app-name = Pelihara
language-name = English
