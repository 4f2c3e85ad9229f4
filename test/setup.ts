import { Testing } from 'cdktf';
import { skipTokenCreationTraces } from '../stacks/token-traces';

Testing.setupJest();
skipTokenCreationTraces();
