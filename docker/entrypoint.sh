#!/bin/sh
# Container entrypoint: prepare DATA_DIR, then run the given command.
set -eu

: "${DATA_DIR:=/data}"
mkdir -p "$DATA_DIR"

# Static files are collected into the image (/app/static) at build time, while
# STATIC_ROOT is "$DATA_DIR/static" on the data volume. Point STATIC_ROOT at this
# image's copy, so that an upgraded image never serves stale files from the volume.
if [ -d /app/static ]; then
    target="$DATA_DIR/static"
    if [ -e "$target" ] && [ ! -L "$target" ]; then
        rm -rf "$target"
    fi
    tmp="$target.link.$$"
    ln -s /app/static "$tmp"
    mv -T -f "$tmp" "$target"
fi

exec "$@"
