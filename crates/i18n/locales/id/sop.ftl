# Definisi SOP: pesan kesalahan pemeriksaan (pelihara sop check) dan tampilan (pelihara sop show).
# Setiap pesan: apa yang salah; apa yang harus dilakukan. Lokasi "berkas:baris:kolom: langkah N: "
# ditambahkan oleh kode.

sop-error-step = langkah { $step }

sop-error-toml = TOML tidak dapat dibaca: { $detail }; perbaiki penulisan pada posisi ini
sop-error-unsupported-format = format { $found } tidak didukung; tulis format = { $supported }
sop-error-empty-header-field = header.{ $field } kosong atau tidak ada; isi dengan nilai seperti pada dokumen SOP
sop-error-invalid-version = header.version { $found } tidak sah; tulis nomor versi mulai dari 1
sop-error-empty-actor-field = { $field } aktor kosong; isi { $field } setiap [[actors]]
sop-error-duplicate-actor = aktor "{ $id }" sudah didefinisikan pada baris { $first_line }; gunakan id yang unik untuk setiap aktor
sop-error-unknown-reports-to = aktor "{ $actor }" melapor ke "{ $reports_to }" yang tidak dikenal; gunakan salah satu dari: { $known }
sop-error-reports-to-cycle = rantai reports_to berputar: { $cycle }; putuskan lingkaran agar eskalasi berakhir pada satu pimpinan
sop-error-unknown-day-count = settings.days "{ $found }" tidak dikenal; gunakan salah satu dari: { $allowed }
sop-error-unknown-time-zone = zona waktu "{ $found }" tidak dikenal; gunakan nama IANA seperti Asia/Jakarta, Asia/Makassar atau Asia/Jayapura
sop-error-zero-maintenance-interval = settings.maintenance_interval_months bernilai 0; tulis jarak pemeliharaan berkala dalam bulan, minimal 1
sop-error-due-soon-percent = settings.due_soon_percent { $found } lebih dari 100; gunakan nilai 0 sampai 100
sop-error-duplicate-step = nomor langkah { $no } sudah dipakai pada baris { $first_line }; beri setiap langkah nomor yang unik
sop-error-missing-step-number = nomor langkah tidak berurutan, langkah { $missing } tidak ada; nomori langkah 1 sampai { $count } tanpa lompatan
sop-error-unknown-kind = jenis langkah "{ $found }" tidak dikenal; gunakan salah satu dari: { $allowed }
sop-error-unknown-form = form "{ $found }" tidak dikenal; gunakan salah satu dari: { $allowed }
sop-error-empty-activity = kegiatan (activity) kosong; tuliskan kegiatan langkah ini seperti pada dokumen SOP
sop-error-no-actors = langkah tanpa pelaksana; isi actors dengan minimal satu aktor
sop-error-unknown-actor = aktor "{ $actor }" tidak dikenal; gunakan salah satu dari: { $known }
sop-error-first-actor-not-column = aktor pertama "{ $actor }" tidak memiliki kolom (column = false), padahal bagan alir menggambar langkah di kolom aktor pertama; letakkan aktor yang memiliki kolom di urutan pertama
sop-error-no-start-step = tidak ada langkah awal; tandai tepat satu langkah dengan kind = "start"
sop-error-extra-start-step = langkah awal lebih dari satu (langkah { $first } sudah langkah awal); tandai tepat satu langkah dengan kind = "start"
sop-error-no-end-step = tidak ada langkah akhir; tandai minimal satu langkah dengan kind = "end"
sop-error-end-step-with-next = langkah akhir tidak boleh memiliki next; hapus next atau ubah kind
sop-error-missing-next = next tidak diisi; tulis nomor langkah berikutnya, atau ubah kind menjadi "end"
sop-error-unknown-next = next menunjuk ke langkah { $target } yang tidak ada; gunakan nomor langkah yang ada: { $known }
sop-error-unknown-if-no = if_no menunjuk ke langkah { $target } yang tidak ada; gunakan nomor langkah yang ada ({ $known }) atau "reject"
sop-error-unknown-if-no-word = if_no "{ $found }" tidak dikenal; tulis nomor langkah, "reject" atau "return"
sop-error-missing-decision = langkah keputusan tanpa decision; tambahkan decision dengan question dan if_no
sop-error-unexpected-decision = decision hanya untuk langkah dengan kind = "decision"; hapus decision atau ubah kind
sop-error-empty-question = pertanyaan keputusan (question) kosong; tuliskan pertanyaan yang dijawab ya atau tidak
sop-error-unknown-decider = decided_by "{ $actor }" tidak dikenal; gunakan salah satu dari: { $known }
sop-error-missing-time = waktu (time) tidak diisi; tambahkan mutu baku waktu dengan value dan unit
sop-error-unknown-time-unit = satuan waktu "{ $found }" tidak dikenal; gunakan salah satu dari: { $allowed }
sop-error-zero-time = waktu bernilai 0; tulis mutu baku waktu lebih dari 0
sop-error-start-step-flag = { $flag } tidak berlaku pada langkah awal (belum ada permohonan yang dapat dikembalikan atau ditolak); hapus { $flag } dari langkah ini
sop-error-unreachable = langkah ini tidak dapat dicapai dari langkah awal; hubungkan dengan next atau if_no dari langkah lain, atau hapus langkah ini
sop-error-end-unreachable = dari langkah ini langkah akhir tidak dapat dicapai, sehingga permohonan dapat tertahan selamanya; periksa next dan if_no agar alur berakhir
sop-error-unknown-page-break = layout.page_breaks menyebut langkah { $step } yang tidak ada; gunakan nomor langkah yang ada: { $known }
sop-error-unknown-erratum-step = errata menyebut langkah { $step } yang tidak ada; gunakan nomor langkah yang ada: { $known }
sop-error-unknown-erratum-field = errata field "{ $found }" tidak dikenal; gunakan salah satu dari: { $allowed }
sop-error-unknown-word = { $field } "{ $found }" tidak dikenal; gunakan salah satu: { $allowed }
sop-error-requester-position-missing = intake.requester = "position" tanpa intake.requester_position; tulis jabatan yang boleh mengajukan
sop-error-requester-position-unexpected = intake.requester_position hanya berlaku dengan requester = "position"; hapus atau ubah requester
sop-error-maintenance-without-app = intake.maintenance = true tetapi intake.app = "none": pemeliharaan dicatat pada aplikasi; minta aplikasi atau tulis maintenance = false
sop-error-invalid-field-id = id isian "{ $id }" tidak sah; gunakan huruf kecil, angka dan garis bawah, diawali huruf
sop-error-duplicate-field = id isian "{ $id }" sudah dipakai; beri setiap isian id yang berbeda
sop-error-empty-field-label = label isian kosong; tulis label yang dibaca pemohon
sop-error-choices-missing = isian kind = "choice" tanpa choices; tulis pilihan yang ditawarkan
sop-error-choices-unexpected = choices hanya untuk kind = "choice"; hapus choices atau ubah kind
sop-error-actor-without-position = pelaksana "{ $actor }" tidak mempunyai position; tulis jabatan yang mengerjakan tugasnya, atau requester = true bila ia pihak pemohon
sop-error-extra-requester-actor = lebih dari satu pelaksana pemohon ("{ $first }" sudah); tandai satu pelaksana saja dengan requester = true
sop-error-no-requester-actor = tidak ada pelaksana pemohon; tandai pelaksana yang mengajukan (OPD atau pegawai) dengan requester = true
sop-error-start-actor-not-requester = langkah awal dikerjakan oleh "{ $actor }", padahal permohonan diajukan oleh "{ $requester }"; jadikan pelaksana pemohon pelaksana pertama langkah awal
sop-error-start-form-not-submit = langkah awal dikerjakan dengan mengajukan permohonan; tulis form = "submit"
sop-error-step-cannot-complete = form "{ $form }" tidak memberi cara menyelesaikan langkah ini, sehingga permohonan akan tertahan; gunakan record, paraf, decision atau formulir bertipe
sop-error-decision-form-not-on-decision = form = "decision" hanya untuk langkah kind = "decision"; ubah kind atau form
sop-error-decision-branches-same = jawaban ya dan tidak sama-sama menuju langkah { $target }; arahkan if_no ke langkah lain, "reject" atau "return"
sop-error-decider-not-on-step = decided_by "{ $actor }" bukan pelaksana langkah ini, sehingga tidak ada yang dapat menjawabnya; tambahkan ke actors atau pilih pelaksana langkah ini
sop-error-return-without-requester = langkah ini mengembalikan permohonan kepada pemohon, tetapi SOP tidak mempunyai pelaksana pemohon; tandai pelaksana pemohon dengan requester = true
sop-error-end-step-flag = { $flag } tidak bermakna pada langkah akhir; hapus { $flag } dari langkah ini
sop-error-joint-with-one-actor = joint hanya bermakna untuk langkah dengan beberapa pelaksana; tambahkan pelaksana atau hapus joint
sop-error-joint-all-form = joint = "all" meminta setiap pelaksana mengonfirmasi, yang hanya dapat dilakukan dengan form record, paraf atau decision, bukan "{ $form }"; ubah form atau joint
sop-error-joint-any-decision = keputusan dengan form "decision" dijawab oleh pelaksana decided_by saja, sehingga joint = "any" tidak bermakna di sini; gunakan joint = "all" agar pelaksana lain memaraf lebih dulu, atau hapus joint

sop-time-minutes = { $value } menit
sop-time-hours = { $value } jam
sop-time-days = { $value } hari
sop-time-working-days = { $value } hari kerja
sop-time-calendar-days = { $value } hari kalender
sop-time-plus = +

sop-check-valid = { $file }: valid ({ $steps } langkah)
sop-check-unreadable = { $file }: berkas tidak dapat dibaca: { $reason }
sop-check-summary = { $files } berkas diperiksa: { $valid } valid, { $invalid } tidak valid, { $errors } kesalahan

sop-show-heading = { $title } (nomor { $number }, versi { $version })
sop-show-col-no = No
sop-show-col-activity = Kegiatan
sop-show-col-actors = Pelaksana
sop-show-col-written = Waktu (tertulis)
sop-show-col-read = Waktu (dibaca)
sop-show-col-outputs = Output
sop-show-decision-reject = Tidak: ditolak
sop-show-decision-return = Tidak: dikembalikan kepada pemohon
sop-show-decision-step = Tidak: ke langkah { $step }
sop-show-total = Total: { $total }

sop-load-stored = SOP { $code } versi { $version } disimpan sebagai draf. Terbitkan agar permohonan baru memakainya: pelihara sop publish { $code } { $version }
sop-load-already = SOP { $code } versi { $version } sudah tersimpan dengan isi yang sama; tidak ada yang berubah.
sop-load-version-taken = SOP { $code } versi { $version } sudah tersimpan dengan isi lain. Versi yang tersimpan tidak pernah diubah: naikkan nomor versi di berkas. Tidak ada yang disimpan.
sop-load-nothing-saved = Tidak ada yang disimpan.
sop-publish-done = SOP { $code } versi { $version } diterbitkan: permohonan baru memakai versi ini; permohonan yang berjalan tetap pada versinya.
sop-version-unknown = SOP { $code } versi { $version } belum dimuat.
sop-retire-done = SOP { $code } dihentikan: tidak ada permohonan baru sampai salah satu versinya diterbitkan lagi; permohonan yang berjalan diselesaikan.
sop-retire-none = SOP { $code } tidak sedang berlaku (belum dimuat, belum diterbitkan, atau sudah dihentikan).
sop-list-row = { $code } v{ $version } [{ $state }] { $title }
sop-state-draft = draf
sop-state-current = berlaku
sop-state-superseded = digantikan
sop-state-retired = dihentikan
