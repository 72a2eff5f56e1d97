// The loop shape on every adapter, part 2 of 3 (test/helpers/loop-shape.ts).
import { describeLoopShapes } from '../helpers/loop-shape.js';

describeLoopShapes(1, 3);
