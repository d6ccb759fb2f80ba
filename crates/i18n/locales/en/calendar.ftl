# Working calendar: the holiday table (tanggal,jenis,nama), office hours and Mutu Baku units.
# Each error message: what is wrong; what to do.

calendar-error-missing-header = the holiday table has no header line; write the header tanggal,jenis,nama before the first row
calendar-error-bad-header = line { $line }: the header must be tanggal,jenis,nama, found "{ $found }"; fix the header line
calendar-error-wrong-field-count = line { $line }: expected 3 fields (tanggal,jenis,nama), found { $found } in "{ $row }"; quote a name that contains a comma
calendar-error-bad-date = line { $line }: "{ $value }" is not a date of the form YYYY-MM-DD in "{ $row }"; write for example 2026-03-19
calendar-error-unknown-kind = line { $line }: unknown kind "{ $value }" in "{ $row }"; write libur_nasional or cuti_bersama
calendar-error-empty-name = line { $line }: the holiday has no name in "{ $row }"; fill in its name
calendar-error-duplicate-date = line { $line }: { $date } is already listed on line { $first_line } ("{ $row }"); remove or change one of the rows
calendar-error-unreadable-row = line { $line }: the row cannot be read ({ $message }); check the quotes on this line
calendar-error-bad-office-hours = office hours on { $weekday ->
        [mon] Monday
        [tue] Tuesday
        [wed] Wednesday
        [thu] Thursday
        [fri] Friday
        [sat] Saturday
       *[sun] Sunday
    } { $open }-{ $close } are not valid; opening must come before closing, on whole minutes
calendar-error-write-failed = the holiday table cannot be written ({ $message }); try again

calendar-holiday-kind-libur-nasional = National holiday
calendar-holiday-kind-cuti-bersama = Collective leave (cuti bersama)

calendar-standard-working-minutes = { $value } working minutes
calendar-standard-working-hours = { $value } working hours
calendar-standard-working-days = { $value } working days
calendar-standard-calendar-days = { $value } calendar days
