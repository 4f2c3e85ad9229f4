import { writeFileSync } from 'node:fs';
import { synthEnvironment } from './helpers/synth';
it('dumps', () => {
  const out: Record<string, Record<string, Record<string, number>>> = {};
  for (const env of ['dev', 'staging', 'prod']) {
    const { stacks } = synthEnvironment(env);
    out[env] = {};
    for (const [name, json] of stacks) {
      out[env][name] = Object.fromEntries(Object.entries(json.resource ?? {}).map(([t, r]) => [t, Object.keys(r).length]));
    }
  }
  writeFileSync(process.env.DUMP_TO!, JSON.stringify(out, null, 1));
}, 600000);
