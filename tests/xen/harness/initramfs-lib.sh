# Helpers for building initramfs trees; sourced by prepare.sh and run-in-dom0.sh.

# busybox_root DIR BUSYBOX: base directories, a static busybox and its applets.
busybox_root() {
  local r=$1 bb=$2 applet
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,mnt}
  cp "$bb" "$r/bin/busybox"
  for applet in $("$bb" --list-full); do
    [ -e "$r/$applet" ] || ln -s /bin/busybox "$r/$applet"
  done
}

# add_elf ROOT FILE [DEST]: copy FILE (to DEST, default the same path) and,
# if it is dynamically linked, every shared library ldd finds for it.
add_elf() {
  local root=$1 src=$2 dst=${3:-$2} lib
  mkdir -p "$root$(dirname "$dst")"
  cp -L "$src" "$root$dst"
  ldd "$src" 2>/dev/null | awk '$2=="=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | while read -r lib; do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# pack DIR OUT: a newc cpio of DIR; gzip'd when OUT ends in .gz.
pack() {
  local dir=$1 out=$2
  (cd "$dir" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) |
    if [[ $out == *.gz ]]; then gzip -1; else cat; fi > "$out"
}
