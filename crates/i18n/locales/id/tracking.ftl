# Public tracking of a request by its tracking number (crate pelihara-web: pages/tracking.rs).

track-nav = Lacak permohonan
track-eyebrow = Pelacakan publik
track-title = Lacak permohonan
track-lead = Masukkan nomor pelacakan yang tercetak pada tanda terima untuk melihat tahapan permohonan. Halaman ini hanya menampilkan tahapan, keadaannya dan tanggalnya.
track-number-label = Nomor pelacakan
track-number-help = Contoh: PLH-7KQ2M-X9D4B. Huruf besar/kecil, spasi dan tanda hubung tidak berpengaruh.
track-submit = Lacak
track-not-found-title = Nomor tidak ditemukan
track-not-found = Nomor pelacakan tidak ditemukan. Periksa kembali nomor pada tanda terima Anda.
track-limited-title = Terlalu banyak percobaan
track-limited = Terlalu banyak nomor yang tidak ditemukan dari jaringan Anda. Coba lagi dalam { $minutes } menit.
track-started = mulai
track-finished = selesai
track-target = target
track-closed = ditutup
