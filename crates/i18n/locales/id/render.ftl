# Labels of the rendered SOP document (crate pelihara-sop-render): the official
# PermenPAN-RB 35/2012 form. SOP text itself comes from the definition, not from here.

render-document-title = SOP { $title }
render-flowchart-title = Bagan alir SOP { $title }, halaman { $page } dari { $pages }
render-page = Halaman { $page } dari { $pages }

render-header-number = Nomor SOP
render-header-created = Tanggal Pembuatan
render-header-revised = Tanggal Revisi
render-header-effective = Tanggal Efektif
render-header-approved-by = Disahkan oleh
render-header-title = Judul SOP
render-header-legal-basis = Dasar Hukum
render-header-qualifications = Kualifikasi Pelaksana
render-header-related = Keterkaitan
render-header-equipment = Peralatan/Perlengkapan
render-header-warning = Peringatan
render-header-records = Pencatatan dan Pendataan
render-nip = NIP. { $nip }

render-column-no = No
render-column-activity = Uraian Kegiatan
render-column-actors = Pelaksana
render-column-quality = Mutu Baku
render-column-requirements = Persyaratan/Kelengkapan
render-column-time = Waktu
render-column-output = Output
render-column-remarks = Keterangan

render-branch-yes = Ya
render-branch-no = Tidak
render-rejected = Ditolak
render-connector-to = Bersambung ke langkah { $step }
render-connector-from = Sambungan dari langkah { $step }

render-note-may-return = Dapat dikembalikan ke { $actor } untuk dilengkapi
render-note-may-return-or-reject = Dapat dikembalikan ke { $actor } atau ditolak
render-note-may-reject = Dapat ditolak
render-note-may-skip = Dapat dinyatakan tidak berlaku, dengan alasan
render-note-with = Bersama { $actors }
render-note-decided-by = Diputuskan oleh { $actor }

# `pelihara sop render`.
render-cli-written = Ditulis: { $file }
render-cli-unwritable = { $file }: tidak dapat ditulis: { $reason }

render-month-1 = Januari
render-month-2 = Februari
render-month-3 = Maret
render-month-4 = April
render-month-5 = Mei
render-month-6 = Juni
render-month-7 = Juli
render-month-8 = Agustus
render-month-9 = September
render-month-10 = Oktober
render-month-11 = November
render-month-12 = Desember
