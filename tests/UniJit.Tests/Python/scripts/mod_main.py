# -m with a module from the working directory, and -m with a library module reading stdin
# tiers: interp auto
# run: -m mod_main x "y z"
# run: -m json.tool --sort-keys
# run: -S -c "import sys; print(sys.argv, len(sys.path) > 0); sys.exit(5)" arg
# run: -c "raise SystemExit('message to stderr')"
# run: -X utf8 -E -B -c "import sys; print(sys.flags.utf8_mode, sys.flags.ignore_environment)"
# stdin: {"b": [1, 2.5e10, null], "a": "\u00e9\ud83d\ude00", "c": {"z": true, "y": -0.0}}
import sys
print(__name__, sys.argv[1:], __spec__.name)
