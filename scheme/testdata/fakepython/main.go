// Command fakepython stands in for python.exe in the wine tests of the
// Windows launchers: it writes its argv, working directory and environment
// as JSON to %FAKEPY_OUT% and exits with %FAKEPY_EXIT%.
package main

import (
	"encoding/json"
	"os"
	"strconv"
)

func main() {
	wd, _ := os.Getwd()
	b, _ := json.Marshal(map[string]any{"argv": os.Args, "cwd": wd, "env": os.Environ()})
	if err := os.WriteFile(os.Getenv("FAKEPY_OUT"), b, 0o644); err != nil {
		os.Exit(99)
	}
	code, _ := strconv.Atoi(os.Getenv("FAKEPY_EXIT"))
	os.Exit(code)
}
