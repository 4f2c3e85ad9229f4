import { synthEnvironment } from '../helpers/synth';
import { planStacks } from '../../stacks/sharding';

// One snapshot per dev stack. The snapshot catches any drift; the semantic tests beside
// each construct (test/constructs, test/stacks) say which drift is wrong.
const dev = synthEnvironment('dev');

describe('dev stacks', () => {
  it('synthesizes exactly the stacks the sharding plan lists', () => {
    expect([...dev.stacks.keys()]).toEqual(planStacks(dev.config).map((p) => p.name));
  });

  it.each([...dev.stacks.keys()])('%s matches its snapshot', (name) => {
    expect(dev.stacks.get(name)).toMatchSnapshot();
  });
});
