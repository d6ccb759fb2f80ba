# Kalender kerja: tabel hari libur (tanggal,jenis,nama), jam kantor, dan satuan Mutu Baku.
# Setiap pesan kesalahan: apa yang salah; apa yang harus dilakukan.

calendar-error-missing-header = tabel hari libur tidak memiliki baris judul; tulis baris judul tanggal,jenis,nama sebelum baris pertama
calendar-error-bad-header = baris { $line }: baris judul harus tanggal,jenis,nama, tertulis "{ $found }"; perbaiki baris judul
calendar-error-wrong-field-count = baris { $line }: diharapkan 3 kolom (tanggal,jenis,nama), ada { $found } dalam "{ $row }"; beri tanda kutip pada nama yang memuat koma
calendar-error-bad-date = baris { $line }: "{ $value }" bukan tanggal berbentuk TTTT-BB-HH dalam "{ $row }"; tulis misalnya 2026-03-19
calendar-error-unknown-kind = baris { $line }: jenis "{ $value }" tidak dikenal dalam "{ $row }"; tulis libur_nasional atau cuti_bersama
calendar-error-empty-name = baris { $line }: nama hari libur kosong dalam "{ $row }"; isi nama hari libur
calendar-error-duplicate-date = baris { $line }: tanggal { $date } sudah tercantum pada baris { $first_line } ("{ $row }"); hapus atau ubah salah satu baris
calendar-error-unreadable-row = baris { $line }: baris tidak dapat dibaca ({ $message }); periksa tanda kutip pada baris ini
calendar-error-bad-office-hours = jam kantor hari { $weekday ->
        [mon] Senin
        [tue] Selasa
        [wed] Rabu
        [thu] Kamis
        [fri] Jumat
        [sat] Sabtu
       *[sun] Minggu
    } { $open }-{ $close } tidak sah; jam buka harus sebelum jam tutup, dalam menit bulat
calendar-error-write-failed = tabel hari libur tidak dapat ditulis ({ $message }); coba lagi

calendar-holiday-kind-libur-nasional = Libur nasional
calendar-holiday-kind-cuti-bersama = Cuti bersama

calendar-standard-working-minutes = { $value } menit kerja
calendar-standard-working-hours = { $value } jam kerja
calendar-standard-working-days = { $value } hari kerja
calendar-standard-calendar-days = { $value } hari kalender
