#!/bin/sh
# Stands in for Prisma's native schema engine, which cannot be downloaded here.
# `prisma generate` only needs the path to exist; every schema-engine command must go
# through packages/db/src/migrate instead, so fail loudly if the CLI ever runs this.
echo "seqlab: the native Prisma schema engine is not available; use 'npm run migrate:* -w @seqlab/db'" >&2
exit 1
