# The web front (crate pelihara-web): page shell, landing page, error pages.

web-tagline = Layanan Pemeliharaan Aplikasi dan Website
web-skip-to-content = Langsung ke isi halaman
web-nav-label = Navigasi utama
web-nav-home = Beranda
web-menu-toggle = Buka menu
web-lang-label = Pilih bahasa
web-notifications = Notifikasi
web-close = Tutup

web-landing-eyebrow = Aplikasi layanan pemeliharaan
web-landing-lead = Pelihara menjalankan SOP Pemeliharaan Aplikasi/Website { $office }: permohonan dari OPD, disposisi, analisis dan verifikasi, pemeliharaan, hosting dan serah terima hasil tercatat di satu tempat dan diukur terhadap Mutu Baku setiap langkah.
web-landing-features = Yang dapat dilakukan di Pelihara
web-landing-submit-title = Ajukan permohonan
web-landing-submit-text = OPD mengajukan pemeliharaan aplikasi atau website dengan mengunggah surat permohonan, lalu menerima nomor pelacakan.
web-landing-track-title = Pantau setiap langkah
web-landing-track-text = Setiap disposisi, paraf dan hasil kerja tampil pada linimasa permohonan, lengkap dengan waktu standar dan waktu nyata.
web-landing-register-title = Data pemeliharaan
web-landing-register-text = Daftar aplikasi dan website setiap OPD beserta riwayat pemeliharaannya, agar tidak ada yang terlewat.
web-landing-warning-title = Peringatan SOP:
web-landing-warning = pemeliharaan aplikasi/website dilakukan secara berkala paling lambat satu tahun sekali; jika tidak, pelayanan akan terhambat.

web-error-request-id = Kode permintaan
web-error-back-home = Kembali ke beranda
web-error-control-character = Isian «{ $field }» berisi karakter kendali (misalnya NUL) yang tidak dapat disimpan. Hapus karakter itu lalu kirim lagi; tidak ada yang diubah.
web-error-not-found-title = Halaman tidak ditemukan
web-error-not-found = Alamat yang Anda buka tidak ada atau sudah dipindahkan.
web-error-forbidden-title = Akses ditolak
web-error-forbidden = Anda tidak berwenang melakukan tindakan ini.
web-error-bad-request-title = Permintaan tidak dapat diproses
web-error-bad-request = Periksa kembali isian Anda, lalu coba lagi.
web-error-too-large = Berkas atau isian yang dikirim terlalu besar (paling besar { $mb } MB seluruhnya).
web-error-method = Tindakan ini tidak tersedia di alamat ini.
web-error-internal-title = Terjadi gangguan
web-error-internal = Terjadi kesalahan pada sistem. Silakan coba lagi; bila berulang, hubungi admin dan sebutkan kode permintaan di bawah ini.
web-error-offline-title = Tidak terhubung
web-error-offline = Server tidak dapat dihubungi. Periksa jaringan Anda, lalu coba lagi.
web-action-recorded = Tindakan Anda tersimpan dan tercatat di riwayat permohonan.
