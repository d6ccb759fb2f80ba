# The notification pages (crate pelihara-web: pages/notifications): the bell in the top bar,
# the user's notification list, the channel settings and the admin delivery log.

notif-bell-label = { $count ->
    [0] Notifications: none unread
   *[other] Notifications: { $count } unread
}
notif-title = Notifications
notif-count-unread = { $count ->
    [0] All read
   *[other] { $count } unread
}
notif-empty = No notifications yet.
notif-unread = Unread
notif-read-at = Read { $when }
notif-mark-read = Mark as read
notif-mark-all-read = Mark all as read
notif-open = Open
notif-notice-read = The notification was marked as read.
notif-notice-all-read = All notifications were marked as read.
notif-page-prev = Previous
notif-page-next = Next
notif-page-of = Page { $page }
notif-pages-label = Notification pages
notif-settings-link = Channel settings

notif-settings-title = Notification channels
notif-settings-intro = Choose where Pelihara sends you task notices, deadline reminders and escalations.
notif-channel-in-app = In the app (bell)
notif-channel-in-app-help = Always on: every notification shows in the bell and on the Notifications page.
notif-channel-email = Email
notif-channel-email-help = Sent to { $address }.
notif-channel-email-missing = Your account has no email address yet. Ask the administrator to add one.
notif-channel-webhook = WhatsApp/Telegram gateway (webhook)
notif-channel-webhook-help = Forwarded to the office's message gateway set up by the administrator.
notif-channel-always = Always on
notif-save = Save settings
notif-notice-saved = Channel settings saved.
notif-error-bad-choice = Unknown choice: the settings were not changed.
notif-error-no-email = Email cannot be turned on because your account has no email address. The settings were not changed.

notif-admin-tab = Notifications
notif-admin-title = Notification delivery log
notif-admin-intro = Every notification and its delivery per channel: to whom, when it was delivered or why it failed.
notif-admin-filter-status = Status
notif-admin-filter-all = All
notif-admin-filter-apply = Show
notif-admin-count = { $count ->
    [0] No deliveries
    [one] 1 delivery
   *[other] { $count } deliveries
}
notif-admin-empty = No deliveries with this status.
notif-admin-col-what = Notification
notif-admin-col-to = To
notif-admin-col-channel = Channel
notif-admin-col-status = Status
notif-admin-col-attempts = Attempts
notif-admin-col-when = When
notif-admin-created = Created { $when }
notif-admin-delivered = Delivered { $when }
notif-admin-next-attempt = Retried { $when }
notif-admin-read-only = You are viewing this log as an auditor (read only).

notif-status-pending = Pending
notif-status-sent = Sent
notif-status-failed = Failed
notif-channel-name-in_app = In app
notif-channel-name-email = Email
notif-channel-name-webhook = Webhook

notif-admin-nav = Notification log
notif-admin-attempts-n = { $count ->
    [one] 1 attempt
   *[other] { $count } attempts
}
notif-webhook-handle = WhatsApp number or Telegram ID
notif-webhook-handle-help = For example: +62 812-3456-7890, -1001234567 or @username.
notif-error-handle-required = Enter a WhatsApp number or Telegram ID to turn the message gateway on.
notif-error-handle-too-long = At most { $max } characters.
notif-error-handle-format = Write a phone number (8–15 digits, may start with +), a chat ID (digits starting with -) or a @username.
notif-error-bad-status = Unknown delivery status.
notif-status-skipped = Skipped
notif-kind-task_arrived = New task
notif-kind-task_due_soon = Due soon
notif-kind-task_overdue = Overdue
notif-kind-task_escalated = Escalation
notif-kind-app_maintenance_due = Maintenance due
notif-kind-health_check_failed = Health check failed
notif-kind-digest = Daily digest
notif-error-bad-channel = Unknown channel.
