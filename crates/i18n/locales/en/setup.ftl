# The first run and the bulk set-up of an office (crate pelihara-web: pages/setup.rs,
# pages/admin/people.rs, the invitation in pages/recovery.rs; crate pelihara-register:
# people.rs; crate pelihara-notify: the invitation mail; the binary: the setup link).

setup-cli-link = There is no administrator yet. Open this one-time link to create the first administrator and the office's identity (valid { $hours } hours): { $link }
setup-title = Setting up Pelihara
setup-lead = Pelihara was just installed on this server. Fill in your office's identity (shown in the page header and on document letterheads) and create the first administrator account. This link works only once.
setup-office-legend = The office
setup-admin-legend = The first administrator
setup-help-government = For example: Pemerintah Kota Semarang.
setup-help-office = The office's name without the region, for example: Dinas Komunikasi dan Informatika.
setup-full-name = Full name
setup-username = Username
setup-help-username = 3–40 lowercase letters, digits, dots, underscores or hyphens.
setup-nip = NIP
setup-email = Email
setup-help-email = For password recovery and notifications.
setup-password = Password
setup-submit = Save and finish the setup
setup-to-sign-in = To the sign-in page
setup-done = The setup is done. Sign in with the administrator account you just created.
setup-done-already = Pelihara is already set up: an administrator exists, so setup links no longer work.
setup-expired = This setup link has expired. Restart the server to get a new one.
setup-spent = This setup link was already used.
setup-unknown = This setup link is not valid. Copy the whole link from the server's output.
admin-kop-field-short-name = Office short name

admin-tab-import = Import OPDs & users
admin-title-people = Import OPDs and users
people-form-title = Upload sheets
people-help = Upload an OPD sheet, a user sheet, or both (CSV separated by ; or , or XLSX) with the header row below. Every row is checked first: if a single one is wrong, nothing is saved. Each new user gets an invitation link to set their own password.
people-opd-file = OPD sheet
people-user-file = User sheet
people-user-help = Role: Administrator, Auditor, Staf (staff) or Operator OPD. Position codes (comma-separated) for staff only; the OPD code for OPD operators only, of an existing OPD or one in the same OPD sheet.
people-export-title = Export
people-export-help = The same sheets with what is stored now; usable as import templates.
people-sheet = Sheet
people-sheet-opds = OPDs
people-sheet-users = Users
people-status-active = Active
people-status-inactive = Inactive
people-import-too-many-rows = The sheet has more than { $max } rows; split it into several files.
people-import-empty = The sheet has no data rows.
people-import-required = Required.
people-import-duplicate = This value is already in an earlier row.
people-import-unknown-role = Unknown role; use Administrator, Auditor, Staf or Operator OPD.
people-import-unknown-position = A position code the SOPs in force do not know.
people-import-too-long = Too long.
people-import-too-large = The file is too large (at most 5 MB).
people-import-no-file = Choose an OPD sheet, a user sheet, or both.
people-import-changed = The data changed while the file was imported (an OPD code or username was taken, or an OPD deactivated), so nothing was imported. Upload again to see the rows refused.
people-done-title = Import done
people-done = { $opds } OPDs and { $users } users added.
people-links-once = The invitation links below are shown only once: hand them to their owners. Each link works for { $days } days, once.
people-invitation = Invitation
people-link-of = Invitation link of { $name }
people-mailed-to = Sent to { $address }

invitation-title = Invitation to Pelihara
invitation-set-title = Create your password
invitation-set-lead = You are invited to Pelihara with the username { $username }. Create a password to sign in.
invitation-expired = This invitation link has expired. Ask the administrator for a new invitation.
invitation-spent = This invitation link was already used. Sign in with the password you created, or ask for a new link.
invitation-unknown = This invitation link is not valid. Make sure you opened the whole link.
invitation-mail-subject = Invitation to Pelihara
invitation-mail-body = { $office } invites you to Pelihara with the username { $username }. Open this link to create your password:
invitation-mail-button = Create your password
invitation-mail-valid = This link works for { $days } days, once.
