# The first run and the bulk set-up of an office (crate pelihara-web: pages/setup.rs,
# pages/admin/people.rs, the invitation in pages/recovery.rs; crate pelihara-register:
# people.rs; crate pelihara-notify: the invitation mail; the binary: the setup link).

setup-cli-link = Belum ada administrator. Buka tautan sekali pakai ini untuk membuat administrator pertama dan identitas kantor (berlaku { $hours } jam): { $link }
setup-title = Penyiapan Pelihara
setup-lead = Pelihara baru dipasang di server ini. Isi identitas kantor Anda (dipakai di kepala halaman dan kop dokumen) dan buat akun administrator pertama. Tautan ini hanya dapat dipakai sekali.
setup-office-legend = Identitas kantor
setup-admin-legend = Administrator pertama
setup-help-government = Misalnya: Pemerintah Kota Semarang.
setup-help-office = Nama dinas tanpa nama daerah, misalnya: Dinas Komunikasi dan Informatika.
setup-full-name = Nama lengkap
setup-username = Nama pengguna
setup-help-username = 3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung.
setup-nip = NIP
setup-email = Pos-el
setup-help-email = Untuk pemulihan kata sandi dan notifikasi.
setup-password = Kata sandi
setup-submit = Simpan dan selesaikan penyiapan
setup-to-sign-in = Ke halaman masuk
setup-done = Penyiapan selesai. Masuk dengan akun administrator yang baru Anda buat.
setup-done-already = Pelihara sudah disiapkan: administrator sudah ada, sehingga tautan penyiapan tidak berlaku lagi.
setup-expired = Tautan penyiapan ini sudah kedaluwarsa. Mulai ulang server untuk mendapatkan tautan baru.
setup-spent = Tautan penyiapan ini sudah dipakai.
setup-unknown = Tautan penyiapan ini tidak berlaku. Salin tautan lengkap dari keluaran server.
admin-kop-field-short-name = Nama singkat kantor

admin-tab-import = Impor OPD & pengguna
admin-title-people = Impor OPD dan pengguna
people-form-title = Unggah lembar
people-help = Unggah lembar OPD, lembar pengguna, atau keduanya (CSV dengan pemisah ; atau ,, atau XLSX) dengan baris judul di bawah ini. Semua baris diperiksa lebih dulu: bila satu saja salah, tidak ada yang disimpan. Setiap pengguna baru mendapat tautan undangan untuk membuat kata sandinya sendiri.
people-opd-file = Lembar OPD
people-user-file = Lembar pengguna
people-user-help = Peran: Administrator, Auditor, Staf atau Operator OPD. Kode Jabatan (dipisah koma) hanya untuk Staf; Kode OPD hanya untuk Operator OPD, dari OPD yang sudah ada atau dari lembar OPD yang sama.
people-export-title = Ekspor
people-export-help = Lembar yang sama dengan isi saat ini; dapat dipakai sebagai templat impor.
people-sheet = Lembar
people-sheet-opds = OPD
people-sheet-users = Pengguna
people-status-active = Aktif
people-status-inactive = Nonaktif
people-import-too-many-rows = Lembar berisi lebih dari { $max } baris; bagi menjadi beberapa berkas.
people-import-empty = Lembar tidak berisi baris data.
people-import-required = Wajib diisi.
people-import-duplicate = Nilai ini sudah ada di baris sebelumnya.
people-import-unknown-role = Peran tidak dikenal; gunakan Administrator, Auditor, Staf atau Operator OPD.
people-import-unknown-position = Kode jabatan tidak dikenal oleh SOP yang berlaku.
people-import-too-long = Terlalu panjang.
people-import-too-large = Berkas terlalu besar (paling besar 5 MB).
people-import-no-file = Pilih lembar OPD, lembar pengguna, atau keduanya.
people-import-changed = Data berubah saat berkas diimpor (kode OPD atau nama pengguna dipakai orang lain, atau OPD dinonaktifkan), sehingga tidak ada yang diimpor. Unggah lagi untuk melihat baris yang ditolak.
people-done-title = Impor selesai
people-done = { $opds } OPD dan { $users } pengguna ditambahkan.
people-links-once = Tautan undangan di bawah ini hanya ditampilkan sekali: serahkan kepada pemiliknya. Setiap tautan berlaku { $days } hari dan hanya dapat dipakai sekali.
people-invitation = Undangan
people-link-of = Tautan undangan { $name }
people-mailed-to = Dikirim ke { $address }

invitation-title = Undangan Pelihara
invitation-set-title = Buat kata sandi Anda
invitation-set-lead = Anda diundang ke Pelihara dengan nama pengguna { $username }. Buat kata sandi untuk masuk.
invitation-expired = Tautan undangan ini sudah kedaluwarsa. Minta undangan baru kepada administrator.
invitation-spent = Tautan undangan ini sudah dipakai. Masuk dengan kata sandi yang Anda buat, atau minta tautan baru.
invitation-unknown = Tautan undangan ini tidak berlaku. Pastikan Anda membuka tautan lengkap.
invitation-mail-subject = Undangan ke Pelihara
invitation-mail-body = { $office } mengundang Anda ke Pelihara dengan nama pengguna { $username }. Buka tautan berikut untuk membuat kata sandi Anda:
invitation-mail-button = Buat kata sandi
invitation-mail-valid = Tautan ini berlaku { $days } hari dan hanya dapat dipakai sekali.
