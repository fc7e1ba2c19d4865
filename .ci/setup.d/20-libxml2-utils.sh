# xmllint validates served documents against the published schemas: mobilesync Autodiscover
# answers against the MS-ASCMD XSDs, autoconfig against the draft's RELAX NG schema.
apt_install libxml2-utils
