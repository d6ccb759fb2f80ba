# The signed-in user's own account page (crate pelihara-web: pages/account.rs).
account-title = Akun saya
account-tab-password = Kata sandi
account-tab-notifications = Notifikasi
account-ask-admin = Nama, email, peran dan jabatan diubah oleh administrator.
account-password-change = Ubah kata sandi
account-field-current = Kata sandi saat ini
account-field-again = Ulangi kata sandi baru
account-new-help = Paling sedikit 10 karakter. Setelah diubah, sesi Anda di perangkat lain berakhir.
account-password-save = Ubah kata sandi
account-notice-password-changed = Kata sandi diubah. Sesi Anda di perangkat lain telah berakhir.
account-error-current-wrong = Kata sandi saat ini salah.
account-error-mismatch = Kedua isian kata sandi baru tidak sama.
account-error-same = Kata sandi baru harus berbeda dari kata sandi saat ini.
