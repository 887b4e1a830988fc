# congxa: `make run` starts the platform with a demo commune; `make test` runs
# every check. Both bring up the local stack first (tests/stack/up).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Build output is kept outside the checkout so a fresh clone reuses earlier
# builds on the same machine; a cold build works just the same.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/congxa-target
# The local stack's admin connection (trust authentication on loopback).
ADMIN_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/congxa
export CONGXA_ADMIN_DATABASE_URL ?= $(ADMIN_DATABASE_URL)
# Property tests draw their cases from this seed, so that a run of `make test`
# is the same run everywhere; set another seed to explore further.
export PROPTEST_RNG_SEED ?= 20261207
# The operators' API token of the local platform (file uploads).
export CONGXA_OPERATOR_TOKEN ?= congxa-local-operator-token

CONGXA := $(CARGO_TARGET_DIR)/debug/congxa
# The demo operator `make run` creates for the console, and the demo
# commune's board head.
DEMO_OPERATOR := vanhanh@haiphong.gov.vn
DEMO_HEAD := truongban@quoctuan.vn

.PHONY: help stack database editor build run test lint prepare browser-deps office-deps bench chart

help:
	@echo "make run   start the platform with the demo commune on http://quoctuan.localhost:8080/"
	@echo "make test  run every check and test against the real local stack"

stack:
	@tests/stack/up

# The development database (`congxa migrate` brings it up to date). Tests
# make databases of their own.
database: stack
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'congxa'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres congxa

# The board's rich-text editor: the exact npm packages of its
# package-lock.json, bundled by esbuild into services/content/admin/bien-tap.js,
# which the content service embeds. The same lock file gives the same bundle,
# so rebuilding leaves the committed file as it is.
EDITOR_DIR := services/content/admin/editor

editor:
	@cd $(EDITOR_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@cd $(EDITOR_DIR) && node build.mjs

build: editor
	cargo build -p congxa

run: database build
	@$(CONGXA) migrate
	@$(CONGXA) seed-demo
	@$(CONGXA) operator create --email $(DEMO_OPERATOR) --name "Cán bộ vận hành (mẫu)" 2>/dev/null \
		|| echo "Tài khoản vận hành mẫu $(DEMO_OPERATOR) đã có sẵn (mật khẩu in ra ở lần chạy đầu)."
	@$(CONGXA) user create --tenant quoctuan --email $(DEMO_HEAD) --name "Trưởng ban biên tập (mẫu)" --role head 2>/dev/null \
		|| echo "Tài khoản trưởng ban mẫu $(DEMO_HEAD) đã có sẵn (mật khẩu in ra ở lần chạy đầu; cấp lại: congxa user reset-password --tenant quoctuan --email $(DEMO_HEAD))."
	@echo
	@echo "  Trang của xã mẫu:   http://quoctuan.localhost:8080/"
	@echo "  Quản trị của xã:    http://quoctuan.localhost:8080/quan-tri  ($(DEMO_HEAD))"
	@echo "  Bảng điều khiển:    http://localhost:8080/  ($(DEMO_OPERATOR))"
	@echo "  Tình trạng:         http://localhost:8080/readyz"
	@echo "  Thư đi (hộp thử):   /tmp/congxa-mail (thông báo, liên kết đặt lại mật khẩu)"
	@echo "  Tải tệp lên (API):  curl -H 'Authorization: Bearer $(CONGXA_OPERATOR_TOKEN)' -F file=@anh.jpg http://quoctuan.localhost:8080/api/tep"
	@echo
	@CONGXA_SMTP_URL=$${CONGXA_SMTP_URL:-smtp://127.0.0.1:2525} exec $(CONGXA) serve all

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# Refreshes .sqlx/ after a query changes; commit the result. Builds compile
# against it offline (.cargo/config.toml), so a query missing from it fails
# `make test`; sqlx-cli is only needed here, and installed on first use.
prepare: database build
	@$(CONGXA) migrate
	@command -v sqlx >/dev/null && [[ $$(sqlx --version) == *"0.9.0"* ]] \
		|| cargo install --locked sqlx-cli@0.9.0 --no-default-features --features postgres,rustls
	DATABASE_URL=$(ADMIN_DATABASE_URL) cargo sqlx prepare --workspace

browser-deps:
	@tests/browser/setup

# LibreOffice Writer and poppler, which read back the Word documents the
# platform writes (the yearly report) in the tests.
office-deps:
	@tests/office/setup

# The Helm chart (charts/congxa): linted and rendered with several value
# sets by Helm 4 as a Python library, every object validated against
# Kubernetes' schemas; no cluster or helm binary needed.
chart:
	@tests/chart/check

test: database browser-deps office-deps editor chart
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'congxa\_test\_%'" \
		| while read -r db; do [[ -n $$db ]] && dropdb -h 127.0.0.1 -U postgres --force "$$db"; done; true
	cargo test --workspace --no-fail-fast

bench: stack
	@tests/bench/run
