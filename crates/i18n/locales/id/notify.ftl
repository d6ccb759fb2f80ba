# Notification messages (crate pelihara-notify): titles and bodies of reminders, escalations,
# maintenance and health notices and the daily digest, as the bell, email and webhook show them.

notify-step = langkah { $step }: { $step_name }

notify-task_arrived-title = Tugas baru: { $tracking }, { $step_label }
notify-task_arrived-body = Permohonan { $tracking } ({ $subject }) dari { $opd } menunggu Anda pada { $step_label }. Batas waktu: { $due }.
notify-task_arrived-untimed-body = Permohonan { $tracking } ({ $subject }) dari { $opd } menunggu Anda pada { $step_label }. Tugas Anda ini tidak diukur dengan waktu standar SOP; mohon ditanggapi secepatnya.
notify-task_due_soon-title = Segera jatuh tempo: { $tracking }, { $step_label }
notify-task_due_soon-body = Waktu untuk { $step_label } pada permohonan { $tracking } ({ $subject }) hampir habis. Batas waktu: { $due }.
notify-task_overdue-title = Terlambat: { $tracking }, { $step_label }
notify-task_overdue-body = Tugas { $step_label } pada permohonan { $tracking } ({ $subject }) melewati batas waktu { $due }. Mohon segera diselesaikan.
notify-task_escalated-title = Eskalasi: { $tracking } terlambat di { $position }
notify-task_escalated-body = Tugas { $step_label } pada permohonan { $tracking } ({ $subject }), di tangan { $assignees } ({ $position }), melewati batas waktu { $due }. Mohon ditindaklanjuti.
notify-app_maintenance_due-title = Jadwal pemeliharaan: { $app }
notify-app_maintenance_due-body = Aplikasi/website { $app } ({ $opd }) jatuh tempo pemeliharaan pada { $date }. Ajukan permohonan pemeliharaan melalui Pelihara.
notify-health_check_failed-title = Pemeriksaan gagal: { $app }
notify-health_check_failed-body = Pemeriksaan terjadwal aplikasi/website { $app } ({ $opd }) gagal: { $error }.
notify-digest-title = Ringkasan harian Pelihara, { $date }
notify-digest-body = Permohonan baru: { $new }. Selesai: { $done }. Tugas terlambat: { $overdue }.
notify-digest-step = Langkah { $step } ({ $step_name }): { $open } terbuka, { $overdue } terlambat
notify-digest-no-open = Tidak ada tugas terbuka.

notify-mail-greeting = Yth. { $name },
notify-mail-open = Buka tugas: { $link }
notify-mail-open-button = Buka di Pelihara
notify-mail-footer = Pesan ini dikirim otomatis oleh Pelihara. Saluran notifikasi dapat diatur di halaman Notifikasi.
notify-subject-prefix = [Pelihara]

notify-skip-email-off = penerima mematikan email
notify-skip-webhook-off = penerima mematikan webhook
notify-skip-no-address = penerima tidak punya alamat email
notify-skip-inactive = akun penerima nonaktif
