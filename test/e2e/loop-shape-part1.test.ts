// The loop shape on every adapter, part 1 of 3 (test/helpers/loop-shape.ts).
import { describeLoopShapes } from '../helpers/loop-shape.js';

describeLoopShapes(0, 3);
