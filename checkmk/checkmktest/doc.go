// Package checkmktest is a fake Checkmk REST API for tests: an httptest server under
// /<site>/check_mk/api/1.0 that speaks the calls of [checkmk.Client] — acknowledge a host
// or service problem, remove acknowledgements, add host and service comments, list
// comments — records what it receives and can be told to fail.
//
//	srv := checkmktest.NewServer(t)
//	srv.AddService("web01", "Filesystem /var", checkmk.ServiceCritical)
//	client, _ := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()))
//	_, err := client.AcknowledgeService(ctx, "web01", "Filesystem /var", checkmk.NewAcknowledgement("on it"))
//	acks := srv.Acknowledgements()
//
// It answers as Checkmk's REST API does (from Checkmk's source,
// cmk/gui/openapi/endpoints/acknowledgement and comment): 204 without a body on success;
// errors as problem JSON {"title", "status", "detail", "fields"} with Content-Type
// application/problem+json:
//
//   - 401 "You need to be authenticated to use the REST API." without the configured
//     "Authorization: Bearer <user> <secret>";
//   - 403 for an automation user without the permission ([DenyPermission]);
//   - 415 for a POST whose Content-Type is not application/json;
//   - 400 for a body that is not a JSON object, a missing or unknown field or a field of
//     the wrong type ("These fields have problems: …" with the messages per field), an
//     unknown host, an unknown service to acknowledge ("Service not found"), an
//     acknowledge_type other than host or service;
//   - 422 for an acknowledgement of a host that is UP ("Host 'web01' has no problem.") or
//     a service that is OK ("This service has no problem");
//   - 404 for any other path, and with [WithoutAckRemoval] (Checkmk before 2.4.0p6) for
//     the removal of acknowledgements, where expire_on is also an unknown field.
//
// Hosts and services must be added first ([Server.AddHost], [Server.AddService]) unless
// [AnyObjectHasProblem] is given. Absent flags take Checkmk's defaults (sticky true,
// persistent false, notify true). The exact wording of the 400 field messages and the
// permission titles of 403 follow Checkmk's conventions but are INFERRED; tests should
// assert statuses, not texts.
//
// Every method is safe for concurrent use. The server starts no goroutines beyond those of
// httptest and is closed by Close or, with NewServer, when the test ends.
package checkmktest
