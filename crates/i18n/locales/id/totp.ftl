# Two-factor sign-in with TOTP (crate pelihara-web: pages/two_factor.rs, pages/account_totp.rs,
# pages/admin/security.rs, templates/totp_macros.html).
account-tab-totp = Verifikasi dua langkah
admin-tab-security = Keamanan

totp-sign-in-title = Verifikasi dua langkah
totp-sign-in-lead = Kata sandi benar. Masukkan kode 6 angka dari aplikasi autentikator di ponsel Anda.
totp-code-or-recovery-label = Kode verifikasi
totp-code-or-recovery-help = Kode 6 angka dari aplikasi autentikator, atau salah satu kode pemulihan Anda jika ponsel tidak ada.
totp-start-over = Batal dan masuk dari awal
totp-pending-expired = Waktu untuk memasukkan kode verifikasi habis. Masuk lagi dengan kata sandi Anda.
totp-pending-too-many = Terlalu banyak kode verifikasi yang salah. Masuk lagi dengan kata sandi Anda.
totp-error-required = Masukkan kode 6 angka dari aplikasi autentikator.
totp-error-wrong = Kode salah. Periksa bahwa jam ponsel Anda tepat, lalu masukkan kode yang sedang tampil.
totp-error-reused = Kode ini sudah dipakai. Tunggu kode berikutnya di aplikasi autentikator.

totp-enrol-required-title = Aktifkan verifikasi dua langkah
totp-enrol-required-lead = Peran Anda wajib memakai verifikasi dua langkah. Aktifkan sekarang untuk melanjutkan.
totp-enrol-step-app = Pasang aplikasi autentikator di ponsel Anda (misalnya Google Authenticator, Microsoft Authenticator, FreeOTP atau Aegis).
totp-enrol-step-scan = Pindai kode QR ini dengan aplikasi tersebut, atau ketik kuncinya.
totp-enrol-step-confirm = Masukkan kode 6 angka yang tampil di aplikasi untuk memastikan.
totp-qr-label = Kode QR untuk aplikasi autentikator
totp-secret-label = Kunci untuk diketik di aplikasi:
totp-secret-account = Akun di aplikasi: { $account }. Jenis: berbasis waktu, 6 angka, 30 detik.
totp-code-label = Kode dari aplikasi
totp-code-help = 6 angka; berganti setiap 30 detik.
totp-enable = Aktifkan
totp-error-enrol-wrong = Kode tidak cocok. Pindai kode QR lagi atau periksa kuncinya, lalu masukkan kode yang sedang tampil.

totp-codes-title = Kode pemulihan Anda
totp-enabled-lead = Verifikasi dua langkah aktif. Simpan kode pemulihan di bawah ini sebelum melanjutkan.
totp-codes-once = Kode ini hanya ditampilkan sekali. Cetak atau simpan di tempat aman.
totp-codes-help = Setiap kode hanya dapat dipakai sekali, sebagai pengganti kode dari aplikasi bila ponsel Anda hilang.
totp-continue = Saya sudah menyimpannya, lanjutkan

totp-account-title = Verifikasi dua langkah
totp-enrol-title = Aktifkan verifikasi dua langkah
totp-enrol-lead = Setelah aktif, setiap kali masuk Anda memasukkan kode dari aplikasi autentikator selain kata sandi.
totp-state-on = Aktif
totp-since = Aktif sejak
totp-unused-codes = Kode pemulihan tersisa
totp-required-note = Peran Anda wajib memakai verifikasi dua langkah; verifikasi ini tidak dapat dimatikan.
totp-new-codes = Buat kode pemulihan baru
totp-new-codes-help = Kode pemulihan lama tidak berlaku lagi setelah kode baru dibuat.
totp-disable = Matikan verifikasi dua langkah
totp-disable-help = Setelah dimatikan, masuk cukup dengan kata sandi.
totp-confirm-label = Kata sandi atau kode dari aplikasi
totp-confirm-help = Untuk memastikan ini Anda: kata sandi Anda, atau kode 6 angka yang sedang tampil.
totp-error-confirm-required = Masukkan kata sandi atau kode dari aplikasi.
totp-error-confirm-wrong = Kata sandi atau kode salah.
totp-error-required-by-role = Peran Anda wajib memakai verifikasi dua langkah; verifikasi ini tidak dapat dimatikan.
totp-notice-enabled = Verifikasi dua langkah aktif.
totp-notice-already = Verifikasi dua langkah sudah aktif.
totp-notice-disabled = Verifikasi dua langkah dimatikan.
totp-notice-codes = Kode pemulihan baru dibuat; kode lama tidak berlaku lagi.

totp-admin-title = Keamanan
totp-admin-roles = Verifikasi dua langkah wajib
totp-admin-lead = Pengguna dengan peran yang dicentang wajib memakai verifikasi dua langkah. Yang belum memakainya diminta mengaktifkannya tepat setelah memasukkan kata sandi, dan tidak dapat melakukan hal lain sebelumnya.
totp-admin-roles-legend = Wajib untuk peran
totp-admin-help = Berlaku saat pengguna masuk berikutnya. Token API tidak terpengaruh.
totp-admin-save = Simpan
totp-admin-saved = Pengaturan verifikasi dua langkah tersimpan.
