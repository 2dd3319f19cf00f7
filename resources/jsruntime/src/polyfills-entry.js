// What QJSEngine 6.4 (about ES2016) lacks for Hono and for code lowered by esbuild to es2016. Each import was found
// needed by trial (see the feasibility notes): the build banner removes the broken natives first (WeakMap/WeakSet
// segfault under GC; URL/URLSearchParams have no prototype) so that core-js installs its own.
import 'core-js/actual/weak-map';
import 'core-js/actual/weak-set';
import 'core-js/actual/string/at';
import 'core-js/actual/array/flat-map';
import 'core-js/actual/regexp';
import 'core-js/actual/url';
import 'core-js/actual/url-search-params';
import 'core-js/actual/array/at';
import 'core-js/actual/array/flat';
import 'core-js/actual/object/from-entries';
import 'core-js/actual/object/has-own';
import 'fast-text-encoding';
// Its TextDecoder reads zeros on this engine; ours replaces it.
import './text-decoder.js';

// Headers, Request, Response: our own, built for this interpreter (see fetch-api.js).
import './fetch-api.js';
