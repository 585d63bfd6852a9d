// Writes the OpenAPI document the server generates from its route schemas to docs/openapi.json.
// CI fails when the committed file differs (test/openapi.test.ts): run `npm run openapi` after
// changing a route.
import { writeFileSync } from 'node:fs';
import { generateOpenApi } from '../test/helpers/openapi.js';

writeFileSync(new URL('../docs/openapi.json', import.meta.url), await generateOpenApi());
console.log('wrote docs/openapi.json');
