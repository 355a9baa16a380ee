package environ

import "strings"

// Getenv returns a lookup of the variables in environ ("NAME=value" entries): the value
// of a name, or "" when it is missing. When a name occurs twice the first entry wins, as
// with os.Getenv and checkmk.FromEnviron.
func Getenv(environ []string) func(string) string {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			if _, seen := vars[k]; !seen {
				vars[k] = v
			}
		}
	}
	return func(name string) string { return vars[name] }
}
