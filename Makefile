# Thin aliases for ./dev, the single entry point (it also works without make).
.PHONY: run up test lint fmt protos bench token
run up:   ; ./dev up
test:     ; ./dev test
lint:     ; ./dev lint
fmt:      ; ./dev fmt
protos:   ; ./dev protos
bench:    ; ./dev bench
token:    ; ./dev token
