# SOP definitions: errors of `pelihara sop check` and the view of `pelihara sop show`.
# Each message: what is wrong; what to do. The location "file:line:column: step N: " is added
# by the code.

sop-error-step = step { $step }

sop-error-toml = TOML cannot be read: { $detail }; fix the text at this position
sop-error-unsupported-format = format { $found } is not supported; write format = { $supported }
sop-error-empty-header-field = header.{ $field } is empty or missing; fill it in as the SOP document has it
sop-error-invalid-version = header.version { $found } is not valid; number versions from 1
sop-error-empty-actor-field = actor { $field } is empty; fill in the { $field } of every [[actors]]
sop-error-duplicate-actor = actor "{ $id }" is already defined on line { $first_line }; give every actor a unique id
sop-error-unknown-reports-to = actor "{ $actor }" reports to unknown "{ $reports_to }"; use one of: { $known }
sop-error-reports-to-cycle = the reports_to chain goes round: { $cycle }; break the cycle so that escalation ends at one head
sop-error-unknown-day-count = settings.days "{ $found }" is unknown; use one of: { $allowed }
sop-error-unknown-time-zone = time zone "{ $found }" is unknown; use an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura
sop-error-zero-maintenance-interval = settings.maintenance_interval_months is 0; write the periodic maintenance interval in months, at least 1
sop-error-due-soon-percent = settings.due_soon_percent { $found } is more than 100; use a value from 0 to 100
sop-error-duplicate-step = step number { $no } is already used on line { $first_line }; give every step a unique number
sop-error-missing-step-number = step numbers are not consecutive, step { $missing } is missing; number the steps 1 to { $count } without gaps
sop-error-unknown-kind = step kind "{ $found }" is unknown; use one of: { $allowed }
sop-error-unknown-form = form "{ $found }" is unknown; use one of: { $allowed }
sop-error-empty-activity = the activity is empty; write the step's activity as the SOP document has it
sop-error-no-actors = the step has no actors; list at least one actor in actors
sop-error-unknown-actor = actor "{ $actor }" is unknown; use one of: { $known }
sop-error-first-actor-not-column = the first actor "{ $actor }" has no column (column = false), but the flowchart draws the step in the first actor's column; put an actor with a column first
sop-error-no-start-step = there is no start step; mark exactly one step with kind = "start"
sop-error-extra-start-step = more than one start step (step { $first } is already the start); mark exactly one step with kind = "start"
sop-error-no-end-step = there is no end step; mark at least one step with kind = "end"
sop-error-end-step-with-next = an end step cannot have next; remove next or change the kind
sop-error-missing-next = next is missing; write the number of the following step, or change the kind to "end"
sop-error-unknown-next = next points to step { $target }, which does not exist; use an existing step number: { $known }
sop-error-unknown-if-no = if_no points to step { $target }, which does not exist; use an existing step number ({ $known }) or "reject"
sop-error-unknown-if-no-word = if_no "{ $found }" is unknown; write a step number, "reject" or "return"
sop-error-missing-decision = a decision step without decision; add decision with question and if_no
sop-error-unexpected-decision = decision is only for steps with kind = "decision"; remove decision or change the kind
sop-error-empty-question = the decision question is empty; write the yes-or-no question the step answers
sop-error-unknown-decider = decided_by "{ $actor }" is unknown; use one of: { $known }
sop-error-missing-time = time is missing; add the time standard (mutu baku) with value and unit
sop-error-unknown-time-unit = time unit "{ $found }" is unknown; use one of: { $allowed }
sop-error-zero-time = the time is 0; write a time standard greater than 0
sop-error-start-step-flag = { $flag } does not apply to the start step (there is no request yet to return or reject); remove { $flag } from this step
sop-error-unreachable = this step cannot be reached from the start step; link it with next or if_no from another step, or remove it
sop-error-end-unreachable = the end step cannot be reached from this step, so a request could be stuck for ever; check next and if_no so that the flow ends
sop-error-unknown-page-break = layout.page_breaks names step { $step }, which does not exist; use an existing step number: { $known }
sop-error-unknown-erratum-step = errata names step { $step }, which does not exist; use an existing step number: { $known }
sop-error-unknown-erratum-field = errata field "{ $found }" is unknown; use one of: { $allowed }
sop-error-unknown-word = { $field } "{ $found }" is unknown; use one of: { $allowed }
sop-error-requester-position-missing = intake.requester = "position" without intake.requester_position; write the position that may ask
sop-error-requester-position-unexpected = intake.requester_position applies only with requester = "position"; remove it or change requester
sop-error-maintenance-without-app = intake.maintenance = true but intake.app = "none": maintenance is recorded on an app; ask for an app or write maintenance = false
sop-error-invalid-field-id = field id "{ $id }" is not valid; use lowercase letters, digits and underscores, starting with a letter
sop-error-duplicate-field = field id "{ $id }" is already used; give every field a unique id
sop-error-empty-field-label = the field label is empty; write the label the requester reads
sop-error-choices-missing = a field with kind = "choice" has no choices; list the values offered
sop-error-choices-unexpected = choices are only for kind = "choice"; remove choices or change the kind
sop-error-actor-without-position = actor "{ $actor }" has no position; write the position that does its tasks, or requester = true if it is the party who asks
sop-error-extra-requester-actor = more than one requester actor ("{ $first }" already is); mark only one actor with requester = true
sop-error-no-requester-actor = no actor stands for the requester; mark the actor who asks (OPD or employee) with requester = true
sop-error-start-actor-not-requester = the start step is performed by "{ $actor }", but requests come from "{ $requester }"; make the requester actor the start step's first actor
sop-error-start-form-not-submit = the start step is done by submitting the request; write form = "submit"
sop-error-step-cannot-complete = form "{ $form }" gives no way to complete this step, so a request would be stuck; use record, paraf, decision or a typed form
sop-error-decision-form-not-on-decision = form = "decision" is only for steps with kind = "decision"; change the kind or the form
sop-error-decision-branches-same = yes and no both lead to step { $target }; point if_no at another step, "reject" or "return"
sop-error-decider-not-on-step = decided_by "{ $actor }" is not an actor of this step, so nobody could answer it; add it to actors or choose an actor of this step
sop-error-return-without-requester = this step returns the request to the requester, but the SOP has no requester actor; mark the requester actor with requester = true
sop-error-end-step-flag = { $flag } means nothing on an end step; remove { $flag } from this step
sop-error-joint-with-one-actor = joint only means something on a step with several actors; add actors or remove joint
sop-error-joint-all-form = joint = "all" asks every actor to confirm, which only the record, paraf or decision forms can do, not "{ $form }"; change the form or joint
sop-error-joint-any-decision = a decision with form "decision" is answered by its decided_by actor alone, so joint = "any" means nothing here; use joint = "all" to have the other actors paraf first, or remove joint

sop-time-minutes = { $value ->
    [one] { $value } minute
   *[other] { $value } minutes
}
sop-time-hours = { $value ->
    [one] { $value } hour
   *[other] { $value } hours
}
sop-time-days = { $value ->
    [one] { $value } day
   *[other] { $value } days
}
sop-time-working-days = { $value ->
    [one] { $value } working day
   *[other] { $value } working days
}
sop-time-calendar-days = { $value ->
    [one] { $value } calendar day
   *[other] { $value } calendar days
}
sop-time-plus = +

sop-check-valid = { $file }: valid ({ $steps ->
    [one] { $steps } step
   *[other] { $steps } steps
})
sop-check-unreadable = { $file }: cannot read the file: { $reason }
sop-check-summary = { $files ->
    [one] { $files } file
   *[other] { $files } files
} checked: { $valid } valid, { $invalid } invalid, { $errors ->
    [one] { $errors } error
   *[other] { $errors } errors
}

sop-show-heading = { $title } (number { $number }, version { $version })
sop-show-col-no = No
sop-show-col-activity = Activity
sop-show-col-actors = Actors
sop-show-col-written = Time (as written)
sop-show-col-read = Time (as read)
sop-show-col-outputs = Outputs
sop-show-decision-reject = No: rejected
sop-show-decision-return = No: returned to the requester
sop-show-decision-step = No: to step { $step }
sop-show-total = Total: { $total }

sop-load-stored = SOP { $code } version { $version } stored as a draft. Publish it for new requests to use it: pelihara sop publish { $code } { $version }
sop-load-already = SOP { $code } version { $version } is already stored with the same text; nothing changed.
sop-load-version-taken = SOP { $code } version { $version } is already stored with a different text. A stored version never changes: raise the version number in the file. Nothing was saved.
sop-load-nothing-saved = Nothing was saved.
sop-publish-done = SOP { $code } version { $version } published: new requests use this version; requests in progress keep theirs.
sop-version-unknown = SOP { $code } version { $version } is not loaded.
sop-retire-done = SOP { $code } retired: no new requests until one of its versions is published again; requests in progress are finished.
sop-retire-none = SOP { $code } is not in force (not loaded, not published, or retired already).
sop-list-row = { $code } v{ $version } [{ $state }] { $title }
sop-state-draft = draft
sop-state-current = in force
sop-state-superseded = superseded
sop-state-retired = retired
