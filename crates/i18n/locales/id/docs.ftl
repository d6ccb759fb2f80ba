# Words of the official PDF documents (crate pelihara-documents) and of the public verification
# page (crates/web, pages/verify.rs and pages/documents.rs).

docs-kind-lembar-disposisi = Lembar Disposisi
docs-kind-kartu-kendali = Kartu Kendali
docs-kind-tanda-terima = Tanda Terima Permohonan
docs-kind-berita-acara = Berita Acara Pemeliharaan
docs-kind-sop = Dokumen SOP

docs-footer-issued = Dokumen elektronik diterbitkan melalui Pelihara oleh
docs-footer-number = Nomor dokumen
docs-footer-issued-at = Diterbitkan
docs-footer-verify = Periksa keaslian dengan memindai kode QR atau membuka
docs-footer-page = Halaman
docs-footer-of = dari

docs-paraf = Paraf
docs-paraf-electronic = paraf elektronik
docs-paraf-seal = Kode pengaman
docs-paraf-seal-note = Paraf elektronik dibubuhkan di Pelihara oleh pejabat yang masuk dengan akunnya sendiri. Kode pengaman dihitung dari berkas surat dan isi disposisi; bila salah satunya diubah sesudah diparaf, kodenya tidak cocok lagi.
docs-acting-for = menggantikan { $name }

docs-title-disposition = LEMBAR DISPOSISI
docs-title-control-card = KARTU KENDALI
docs-title-receipt = TANDA TERIMA PERMOHONAN PEMELIHARAAN APLIKASI/WEBSITE
docs-title-report = BERITA ACARA PEMELIHARAAN APLIKASI/WEBSITE

docs-letter-from = Surat dari
docs-letter-number = Nomor surat
docs-letter-date = Tanggal surat
docs-received = Diterima tanggal
docs-agenda-number = Nomor agenda
docs-classification = Kode klasifikasi
docs-urgency = Sifat
docs-urgency-sangat-segera = Sangat Segera
docs-urgency-segera = Segera
docs-urgency-biasa = Biasa
docs-confidentiality = Klasifikasi keamanan
docs-confidentiality-sangat-rahasia = Sangat Rahasia
docs-confidentiality-rahasia = Rahasia
docs-confidentiality-terbatas = Terbatas
docs-confidentiality-biasa = Biasa
docs-subject = Perihal
docs-disposition = Disposisi
docs-disposition-from = dari
docs-disposition-to = diteruskan kepada
docs-instructions = Dengan hormat harap
docs-note = Catatan
docs-no-disposition = Belum ada disposisi.

docs-index = Indeks
docs-code = Kode
docs-order-number = Nomor urut (agenda)
docs-summary = Isi ringkas
docs-attachments = Lampiran
docs-card-from = Dari
docs-card-to = Kepada
docs-handler = Pengolah
docs-notes = Catatan
docs-card-handled-by = dikerjakan oleh { $names }
docs-card-note = Disposisi { $no } ({ $from }): { $note }

docs-receipt-intro = Telah diterima permohonan pemeliharaan aplikasi/website dengan rincian sebagai berikut:
docs-tracking-code = Nomor pelacakan
docs-opd = Perangkat Daerah
docs-app = Aplikasi/Website
docs-submitted-by = Diajukan oleh
docs-submitted-at = Diterima pada
docs-letter-file = Berkas surat permohonan
docs-letter-sha256 = SHA-256 berkas surat
docs-receipt-note = Simpan nomor pelacakan ini untuk menanyakan perkembangan permohonan. Tanda terima ini dibuat secara elektronik dan sah tanpa tanda tangan basah.
docs-receiver = Yang menerima,
docs-receipt-electronic = (dibuat secara elektronik)
docs-receipt-track = Pantau perkembangan permohonan dengan memindai kode QR ini atau membuka

docs-report-number = Nomor
docs-report-day = Pada hari ini { $weekday } tanggal { $day } bulan { $month } tahun { $year } ({ $date })
docs-report-opening = { $day }, bertempat di { $place }, kami yang membubuhkan paraf elektronik di bawah ini:
docs-report-statement = PIHAK PERTAMA telah melaksanakan pemeliharaan aplikasi/website { $app } milik { $opd } dan menyerahkan hasilnya kepada PIHAK KEDUA, dengan rincian sebagai berikut:
docs-report-closing = Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.
docs-name = Nama
docs-position = Jabatan
docs-on-behalf = Mewakili
docs-called-first = selanjutnya disebut PIHAK PERTAMA.
docs-called-second = selanjutnya disebut PIHAK KEDUA.
docs-first-party = PIHAK PERTAMA
docs-second-party = PIHAK KEDUA
docs-section-request = Permohonan
docs-section-analysis = Analisis
docs-section-maintenance = Pemeliharaan
docs-section-hosting = Hosting
docs-section-presentation = Presentasi hasil
docs-section-acceptance = Penerimaan oleh OPD
docs-findings = Temuan
docs-verdict = Kesimpulan
docs-verdict-maintainable = Dapat dipelihara
docs-verdict-not-maintainable = Tidak dapat dipelihara
docs-recommendation = Rekomendasi
docs-done-by = Dikerjakan oleh
docs-work-log = Pekerjaan
docs-result = Hasil
docs-version = Versi
docs-server = Server
docs-domain = Domain
docs-url = Alamat
docs-dns = DNS dikonfigurasi
docs-certificate = Sertifikat terpasang
docs-deployed = Sudah dipasang
docs-network-officer = Petugas jaringan
docs-held-at = Waktu
docs-place = Tempat
docs-attendees = Peserta
docs-acceptance-note = Catatan OPD
docs-accepted = Hasil pemeliharaan telah diterima oleh { $opd }.
docs-not-accepted = Belum diterima oleh OPD.
docs-hosting-skipped = Tidak dilakukan: { $reason }
docs-not-recorded = Tidak ada catatan.
docs-yes = Ya
docs-no = Tidak

docs-weekday-0 = Senin
docs-weekday-1 = Selasa
docs-weekday-2 = Rabu
docs-weekday-3 = Kamis
docs-weekday-4 = Jumat
docs-weekday-5 = Sabtu
docs-weekday-6 = Minggu

docs-verify-eyebrow = Verifikasi dokumen
docs-verify-title = Keaslian dokumen Pelihara
docs-verify-status-valid = Dokumen sah: ini versi yang berlaku.
docs-verify-status-superseded = Dokumen sah, tetapi sudah diganti dengan versi yang lebih baru.
docs-verify-see-newer = Lihat versi terbaru
docs-verify-status-unknown = Dokumen tidak dikenal.
docs-verify-unknown-help = Tidak ada dokumen yang diterbitkan dengan kode ini. Periksa kembali alamat pada kode QR.
docs-verify-kind = Jenis dokumen
docs-verify-number = Nomor
docs-verify-issued-at = Diterbitkan
docs-verify-office = Instansi penerbit
docs-verify-upload-title = Cocokkan berkas PDF
docs-verify-upload-help = Unggah berkas PDF yang Anda terima; Pelihara memeriksa apakah isinya sama persis (byte demi byte) dengan dokumen yang diterbitkan. Berkas tidak disimpan.
docs-verify-upload-label = Berkas PDF
docs-verify-upload-submit = Periksa
docs-verify-upload-failed = Berkas tidak dapat dibaca. Coba unggah lagi.
docs-verify-identical = Cocok: berkas ini sama persis dengan dokumen yang diterbitkan.
docs-verify-different = Tidak cocok: berkas ini berbeda dari dokumen yang diterbitkan (mungkin diubah).
docs-download-title = Dokumen resmi (PDF)
docs-download-f4 = F4
docs-download-a4 = A4

# The letterhead's contact line ("Telepon (0291) 685877, Pos-el ..., Laman ...").
docs-letterhead-phone = Telepon
docs-letterhead-email = Pos-el
docs-letterhead-website = Laman

# Why an uploaded logo was refused (admin kop form).
docs-logo-empty = Berkas logo kosong.
docs-logo-too-large = Berkas logo terlalu besar (paling besar 512 KB).
docs-logo-not-image = Logo harus berupa gambar PNG atau SVG; berkas ini bukan keduanya.
docs-logo-bad-png = Gambar PNG rusak atau terlalu besar (paling besar 4000 × 4000 piksel).
docs-logo-unprintable = Logo tidak dapat dicetak pada dokumen; coba berkas lain.

# The receipt offered to the OPD right after it submits.
docs-receipt-ready = Tanda terima permohonan sudah diterbitkan.
docs-receipt-download = Unduh tanda terima (PDF)
docs-kind-monitoring-sop = Formulir Monitoring SOP
