# The signed-in user's own account page (crate pelihara-web: pages/account.rs).
account-title = My account
account-tab-password = Password
account-tab-notifications = Notifications
account-ask-admin = Your name, email, role and positions are changed by the administrator.
account-password-change = Change password
account-field-current = Current password
account-field-again = New password again
account-new-help = At least 10 characters. Once changed, your sessions on other devices end.
account-password-save = Change password
account-notice-password-changed = Password changed. Your sessions on other devices have ended.
account-error-current-wrong = The current password is wrong.
account-error-mismatch = The two new passwords are not the same.
account-error-same = The new password must differ from the current one.
