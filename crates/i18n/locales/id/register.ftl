# The app/website register (Data Pemeliharaan Aplikasi/Website).
register-due-current = Belum jatuh tempo
register-due-soon = Segera jatuh tempo
register-due-overdue = Terlambat
register-status-active = Aktif
register-status-retired = Tidak aktif
register-error-name-required = Nama aplikasi wajib diisi.
register-error-url = Alamat harus diawali http:// atau https:// dan tanpa spasi.
register-error-domain = Domain tidak sah (contoh: simpus.demakkab.go.id).
register-error-email = Alamat surel tidak sah.
register-error-status = Status harus "active" (aktif) atau "retired" (tidak aktif).
register-error-interval = Interval pemeliharaan harus 1 sampai 120 bulan.
register-error-too-long = Isian terlalu panjang.
register-error-opd = OPD tidak dikenal.
