# Password recovery, "Lupa kata sandi" (crate pelihara-web: pages/recovery.rs; the mail in
# crate pelihara-notify: email.rs).

recovery-link = Lupa kata sandi?
recovery-title = Lupa kata sandi
recovery-lead = Masukkan nama pengguna atau alamat pos-el akun Anda. Bila akun itu aktif dan memiliki alamat pos-el, kami mengirim tautan untuk membuat kata sandi baru.
recovery-identifier = Nama pengguna atau pos-el
recovery-identifier-required = Isi nama pengguna atau alamat pos-el.
recovery-submit = Kirim tautan
recovery-sent = Bila nama pengguna atau pos-el itu milik akun aktif yang memiliki alamat pos-el, tautan untuk membuat kata sandi baru telah dikirim ke sana. Tautan berlaku { $minutes } menit dan hanya dapat dipakai sekali. Periksa juga folder spam.
recovery-unavailable = Server ini belum dapat mengirim pos-el. Hubungi administrator untuk mengatur ulang kata sandi Anda.
recovery-limited = Terlalu banyak permintaan dari jaringan Anda. Coba lagi dalam { $minutes } menit.
recovery-back = Kembali ke halaman masuk
recovery-set-title = Buat kata sandi baru
recovery-set-lead = Kata sandi baru berlaku untuk akun { $username }. Semua sesi akun ini di perangkat lain akan diakhiri.
recovery-new-password = Kata sandi baru
recovery-confirm-password = Ulangi kata sandi baru
recovery-password-help = Paling sedikit { $min } karakter.
recovery-set-submit = Simpan kata sandi
recovery-expired = Tautan ini sudah kedaluwarsa. Minta tautan baru di bawah ini.
recovery-spent = Tautan ini sudah dipakai. Minta tautan baru bila Anda masih memerlukannya.
recovery-unknown = Tautan ini tidak berlaku. Pastikan Anda membuka tautan lengkap dari pos-el, atau minta tautan baru.
recovery-ask-again = Minta tautan baru
auth-password-recovered = Kata sandi baru telah disimpan. Silakan masuk dengan kata sandi itu.

recovery-mail-subject = Atur ulang kata sandi Pelihara
recovery-mail-body = Ada permintaan untuk membuat kata sandi baru bagi akun Pelihara Anda. Buka tautan berikut untuk membuatnya:
recovery-mail-button = Buat kata sandi baru
recovery-mail-valid = Tautan ini berlaku { $minutes } menit dan hanya dapat dipakai sekali.
recovery-mail-ignore = Bila Anda tidak memintanya, abaikan pesan ini: kata sandi Anda tidak berubah.
recovery-mail-footer = Pesan ini dikirim otomatis oleh Pelihara. Jangan teruskan tautan di atas kepada siapa pun.
