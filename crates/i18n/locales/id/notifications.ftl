# The notification pages (crate pelihara-web: pages/notifications): the bell in the top bar,
# the user's notification list, the channel settings and the admin delivery log.

notif-bell-label = { $count ->
    [0] Notifikasi: tidak ada yang belum dibaca
   *[other] Notifikasi: { $count } belum dibaca
}
notif-title = Notifikasi
notif-count-unread = { $count ->
    [0] Semua sudah dibaca
   *[other] { $count } belum dibaca
}
notif-empty = Belum ada notifikasi.
notif-unread = Belum dibaca
notif-read-at = Dibaca { $when }
notif-mark-read = Tandai sudah dibaca
notif-mark-all-read = Tandai semua sudah dibaca
notif-open = Buka
notif-notice-read = Notifikasi ditandai sudah dibaca.
notif-notice-all-read = Semua notifikasi ditandai sudah dibaca.
notif-page-prev = Sebelumnya
notif-page-next = Berikutnya
notif-page-of = Halaman { $page }
notif-pages-label = Halaman notifikasi
notif-settings-link = Pengaturan saluran

notif-settings-title = Saluran notifikasi
notif-settings-intro = Pilih ke mana Pelihara mengirim pemberitahuan tugas, pengingat tenggat dan eskalasi untuk Anda.
notif-channel-in-app = Di aplikasi (lonceng)
notif-channel-in-app-help = Selalu aktif: setiap notifikasi tampil di lonceng dan di halaman Notifikasi.
notif-channel-email = Surel (email)
notif-channel-email-help = Dikirim ke { $address }.
notif-channel-email-missing = Akun Anda belum memiliki alamat surel. Minta administrator mengisinya.
notif-channel-webhook = Gerbang WhatsApp/Telegram (webhook)
notif-channel-webhook-help = Diteruskan ke gerbang pesan dinas yang dipasang administrator.
notif-channel-always = Selalu aktif
notif-save = Simpan pengaturan
notif-notice-saved = Pengaturan saluran tersimpan.
notif-error-bad-choice = Pilihan tidak dikenal: pengaturan tidak diubah.
notif-error-no-email = Surel tidak dapat diaktifkan karena akun Anda belum memiliki alamat surel. Pengaturan tidak diubah.

notif-admin-tab = Notifikasi
notif-admin-title = Log pengiriman notifikasi
notif-admin-intro = Setiap notifikasi dan pengirimannya per saluran: kepada siapa, kapan terkirim atau mengapa gagal.
notif-admin-filter-status = Status
notif-admin-filter-all = Semua
notif-admin-filter-apply = Tampilkan
notif-admin-count = { $count ->
    [0] Tidak ada pengiriman
   *[other] { $count } pengiriman
}
notif-admin-empty = Tidak ada pengiriman dengan status ini.
notif-admin-col-what = Notifikasi
notif-admin-col-to = Kepada
notif-admin-col-channel = Saluran
notif-admin-col-status = Status
notif-admin-col-attempts = Percobaan
notif-admin-col-when = Waktu
notif-admin-created = Dibuat { $when }
notif-admin-delivered = Terkirim { $when }
notif-admin-next-attempt = Dicoba lagi { $when }
notif-admin-read-only = Anda melihat log ini sebagai auditor (hanya baca).

notif-status-pending = Menunggu
notif-status-sent = Terkirim
notif-status-failed = Gagal
notif-channel-name-in_app = Aplikasi
notif-channel-name-email = Surel
notif-channel-name-webhook = Webhook

notif-admin-nav = Log notifikasi
notif-admin-attempts-n = { $count } percobaan
notif-webhook-handle = Nomor WhatsApp atau ID Telegram
notif-webhook-handle-help = Contoh: +62 812-3456-7890, -1001234567 atau @nama_pengguna.
notif-error-handle-required = Isi nomor WhatsApp atau ID Telegram untuk menyalakan gerbang pesan.
notif-error-handle-too-long = Paling banyak { $max } karakter.
notif-error-handle-format = Tulis nomor telepon (8–15 angka, boleh diawali +), ID obrolan (angka diawali -) atau @nama_pengguna.
notif-error-bad-status = Status pengiriman tidak dikenal.
notif-status-skipped = Dilewati
notif-kind-task_arrived = Tugas baru
notif-kind-task_due_soon = Segera jatuh tempo
notif-kind-task_overdue = Terlambat
notif-kind-task_escalated = Eskalasi
notif-kind-app_maintenance_due = Jadwal pemeliharaan
notif-kind-health_check_failed = Pemeriksaan gagal
notif-kind-digest = Ringkasan harian
notif-error-bad-channel = Saluran tidak dikenal.
