# Notification messages (crate pelihara-notify): titles and bodies of reminders, escalations,
# maintenance and health notices and the daily digest, as the bell, email and webhook show them.

notify-step = step { $step }: { $step_name }

notify-task_arrived-title = New task: { $tracking }, { $step_label }
notify-task_arrived-body = Request { $tracking } ({ $subject }) from { $opd } is waiting for you at { $step_label }. Due: { $due }.
notify-task_arrived-untimed-body = Request { $tracking } ({ $subject }) from { $opd } is waiting for you at { $step_label }. This task of yours is not timed by the SOP's standard; please respond soon.
notify-task_due_soon-title = Due soon: { $tracking }, { $step_label }
notify-task_due_soon-body = Time for { $step_label } of request { $tracking } ({ $subject }) is running out. Due: { $due }.
notify-task_overdue-title = Overdue: { $tracking }, { $step_label }
notify-task_overdue-body = The task at { $step_label } of request { $tracking } ({ $subject }) passed its deadline { $due }. Please finish it now.
notify-task_escalated-title = Escalation: { $tracking } overdue at { $position }
notify-task_escalated-body = The task at { $step_label } of request { $tracking } ({ $subject }), held by { $assignees } ({ $position }), passed its deadline { $due }. Please follow up.
notify-app_maintenance_due-title = Maintenance due: { $app }
notify-app_maintenance_due-body = The application/website { $app } ({ $opd }) is due for maintenance on { $date }. Submit a maintenance request through Pelihara.
notify-health_check_failed-title = Check failed: { $app }
notify-health_check_failed-body = The scheduled check of the application/website { $app } ({ $opd }) failed: { $error }.
notify-digest-title = Pelihara daily digest, { $date }
notify-digest-body = New requests: { $new }. Done: { $done }. Overdue tasks: { $overdue }.
notify-digest-step = Step { $step } ({ $step_name }): { $open } open, { $overdue } overdue
notify-digest-no-open = No open tasks.

notify-mail-greeting = Dear { $name },
notify-mail-open = Open the task: { $link }
notify-mail-open-button = Open in Pelihara
notify-mail-footer = This message was sent automatically by Pelihara. Notification channels can be set on the Notifications page.
notify-subject-prefix = [Pelihara]

notify-skip-email-off = the recipient turned email off
notify-skip-webhook-off = the recipient turned the webhook off
notify-skip-no-address = the recipient has no email address
notify-skip-inactive = the recipient's account is disabled
