# Sign-in, sign-out and roles (crate pelihara-web: auth.rs, pages/sign_in.rs).

auth-sign-in-title = Masuk ke Pelihara
auth-sign-in-lead = Gunakan akun yang diberikan administrator.
auth-username = Nama pengguna
auth-password = Kata sandi
auth-sign-in = Masuk
auth-sign-out = Keluar
auth-signed-out = Anda telah keluar. Sampai jumpa.
auth-forgot = Akun terkunci atau tanpa pos-el? Hubungi administrator.
auth-username-required = Nama pengguna wajib diisi.
auth-password-required = Kata sandi wajib diisi.
auth-wrong-credentials = Nama pengguna atau kata sandi salah.
auth-locked = Terlalu banyak percobaan masuk yang gagal untuk akun ini. Coba lagi dalam { $minutes } menit.
auth-user-menu = Akun Anda

auth-role-admin = Administrator
auth-role-auditor = Auditor
auth-role-staff = Staf
auth-role-opd_operator = Operator OPD
