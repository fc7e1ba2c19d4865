# named-checkzone (from BIND) checks that every zone `mail-autoconf dns` prints loads in a real
# DNS server: syntax, name lengths, SRV targets with addresses and not CNAMEs.
apt_install bind9-utils
