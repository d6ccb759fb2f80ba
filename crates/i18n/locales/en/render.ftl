# Labels of the rendered SOP document (crate pelihara-sop-render): the official
# PermenPAN-RB 35/2012 form. SOP text itself comes from the definition, not from here.

render-document-title = SOP { $title }
render-flowchart-title = Flowchart of SOP { $title }, page { $page } of { $pages }
render-page = Page { $page } of { $pages }

render-header-number = SOP number
render-header-created = Date created
render-header-revised = Date revised
render-header-effective = Date effective
render-header-approved-by = Approved by
render-header-title = SOP title
render-header-legal-basis = Legal basis
render-header-qualifications = Implementer qualifications
render-header-related = Related procedures
render-header-equipment = Equipment/Supplies
render-header-warning = Warning
render-header-records = Recording and data keeping
render-nip = NIP { $nip }

render-column-no = No
render-column-activity = Activity
render-column-actors = Implementers
render-column-quality = Quality standard
render-column-requirements = Requirements
render-column-time = Time
render-column-output = Output
render-column-remarks = Remarks

render-branch-yes = Yes
render-branch-no = No
render-rejected = Rejected
render-connector-to = Continues at step { $step }
render-connector-from = Continued from step { $step }

render-note-may-return = May be returned to { $actor } for completion
render-note-may-return-or-reject = May be returned to { $actor } or rejected
render-note-may-reject = May be rejected
render-note-may-skip = May be marked not applicable, with a reason
render-note-with = With { $actors }
render-note-decided-by = Decided by { $actor }

# `pelihara sop render`.
render-cli-written = Written: { $file }
render-cli-unwritable = { $file }: cannot be written: { $reason }

render-month-1 = January
render-month-2 = February
render-month-3 = March
render-month-4 = April
render-month-5 = May
render-month-6 = June
render-month-7 = July
render-month-8 = August
render-month-9 = September
render-month-10 = October
render-month-11 = November
render-month-12 = December
