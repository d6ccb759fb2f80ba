# Masuk lewat SSO (OpenID Connect) dan kebijakannya di halaman Keamanan.

sso-sign-in-with = Masuk dengan { $provider }
sso-or = atau
sso-unavailable = Layanan SSO sedang tidak dapat dihubungi. Coba lagi sebentar lagi, atau hubungi administrator.
sso-replayed = Jawaban dari layanan SSO ini sudah dipakai atau bukan untuk sesi ini. Silakan ulangi masuk dengan SSO.
sso-expired = Proses masuk dengan SSO terlalu lama. Silakan ulangi.
sso-provider-refused = Layanan SSO tidak mengizinkan masuk. Silakan ulangi, atau hubungi administrator.
sso-failed = Jawaban dari layanan SSO tidak dapat diterima. Silakan ulangi masuk dengan SSO.
sso-claim-missing = Layanan SSO tidak mengirimkan data yang dipakai untuk mencocokkan akun Anda. Hubungi administrator.
sso-unknown = Akun SSO Anda belum terhubung dengan akun Pelihara mana pun. Pelihara tidak membuat akun sendiri: minta administrator mendaftarkan Anda dengan NIP, email atau nama pengguna yang sama.
sso-ambiguous = Data dari layanan SSO cocok dengan lebih dari satu akun Pelihara, sehingga tidak dapat dipakai. Hubungi administrator.
sso-inactive = Akun Pelihara Anda sedang dinonaktifkan. Hubungi administrator.
sso-subject-mismatch = Akun Pelihara ini sudah terhubung dengan akun SSO lain, sehingga masuk ditolak. Bila akun SSO Anda memang berganti, minta administrator melepas tautan SSO akun Anda.
sso-password-off = Staf kantor masuk dengan SSO; masuk dengan kata sandi hanya untuk operator OPD.

sso-admin-title = Masuk dengan SSO
sso-admin-lead = Pegawai masuk lewat layanan SSO kantor (OpenID Connect) dan dicocokkan dengan akun Pelihara yang sudah ada; akun tidak pernah dibuat otomatis.
sso-admin-off = Layanan SSO belum dikonfigurasi di server. Pengaturan di bawah berlaku setelah penyedia SSO diatur saat menjalankan pelihara serve (lihat README).
sso-admin-issuer = Penyedia (issuer)
sso-admin-client = ID klien
sso-admin-redirect = Alamat kembali untuk didaftarkan di penyedia
sso-admin-claim = Dicocokkan dengan akun melalui
sso-admin-claim-nip = NIP (klaim nip)
sso-admin-claim-email = Email (klaim email, harus terverifikasi)
sso-admin-claim-username = Nama pengguna (klaim preferred_username)
sso-admin-staff-password = Staf kantor (administrator, auditor, staf) boleh tetap masuk dengan kata sandi
sso-admin-staff-password-help = Bila tidak dicentang, staf kantor hanya dapat masuk dengan SSO. Operator OPD selalu dapat masuk dengan kata sandi. Tanpa penyedia SSO di server, semua orang masuk dengan kata sandi.
sso-admin-second-step = Verifikasi dua langkah Pelihara tetap diminta setelah SSO bagi pengguna yang memakainya atau yang perannya mewajibkannya.
sso-admin-save = Simpan pengaturan SSO
sso-admin-saved = Pengaturan SSO tersimpan.
sso-admin-error-claim = Pilih salah satu cara mencocokkan akun.
