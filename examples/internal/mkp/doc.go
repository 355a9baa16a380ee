// Package mkp builds Checkmk extension packages (MKP files) and the alertbridge package in
// particular: the checkmk-notify binary, its notification script and its parameter form,
// ready for "mkp add" and "mkp enable" on any site. It is a helper of the programs under
// examples/, not part of the library.
//
// # The file
//
// An MKP is a gzip-compressed tar archive with the manifest twice ("info", a Python
// literal as Checkmk's pprint writes it, and "info.json") and one uncompressed tar per
// part ("bin.tar", "notifications.tar", ...) holding the part's files by their paths
// relative to the part's directory (Checkmk's packages/cmk-mkp-tool/cmk/mkp_tool/_mkp.py).
// Files get the modes Checkmk installs them with (Part.Mode; _parts.py): 0700 for bin and
// notifications, 0600 for lib and cmk_addons_plugins. Output is reproducible: fixed
// modification times (DefaultModTime, WithModTime), owner 0, sorted entries.
//
//	pkg, err := mkp.Alertbridge(exe, size, version) // exe: the running binary, an *os.File
//	err = pkg.Write(ctx, out)                        // out: <dir>/pkg.FileName()
//	fmt.Print(pkg.Listing())                         // for -n
//
// Versions must be MAJOR.MINOR.PATCH[-pre] (ParseVersion); VersionFromProgram turns a Go
// module version (v1.2.3) into one. WrapperScript and SiteWrapperScript render the
// notification script (title line, "# Bulk: yes", exec of checkmk-notify) that both
// "checkmk-notify install" and the package use.
//
// # The form
//
// The package carries the parameter form of the method "alertbridge" twice: a GUI
// plug-in for Checkmk 2.3 and 2.4 (LegacyForm, part lib) and a Ruleset API v1 file for
// 2.5 and later (RulesetForm, part cmk_addons_plugins). Both have the keys FormKeys; the
// keys of the built-in iLert and AlertOps forms keep their names and value shapes, so the
// decoder of package checkmk reads them as it reads those forms. The exact
// NOTIFY_PARAMETER_* variables each field produces on 2.3, 2.4 and 2.5, and the Checkmk
// sources they come from, are in docs/checkmk-form.md at the root of the repository:
//
//	ilert_api_key          2.3/2.4: _ILERT_API_KEY=ilert_api_key<TAB>KEY, _1, _2 (or store<TAB>ID)
//	                       2.5: _1=cmk_postprocessed _2=explicit_password|stored_password _3_1=ID _3_2=KEY
//	alertops_webhook_url   the same shapes, first member alertops_webhook_url
//	ilert_mode             checkmk | events | nagios
//	ilert_priority         HIGH | LOW
//	ilert_summary_host     the template text (also ilert_summary_service)
//	ilert_rate             requests per minute, 0 = off
//	url_prefix             _1=automatic_http|automatic_https _2= ; or manual<TAB>URL, _1=manual, _2=URL
//	proxy_url              FROM_ENVIRONMENT | NO_PROXY | proxy URL
//	ignore_ssl             True (present or absent)
//	spool, retrier         True | False
//	max_age                seconds: 604800 (2.3/2.4) or 604800.0 (2.5)
//	timeout                _TIMEOUT_REQUEST and _TIMEOUT_BUDGET, seconds as max_age
//
// The tests load both forms with python3 against stand-ins of the Checkmk modules they
// import (testdata/standins, written from Checkmk's signatures; unknown keyword
// arguments fail), check every key and help text, and record the variables of sample
// values in testdata/encodings.golden.json.
package mkp
