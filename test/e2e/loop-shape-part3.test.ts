// The loop shape on every adapter, part 3 of 3 (test/helpers/loop-shape.ts).
import { describeLoopShapes } from '../helpers/loop-shape.js';

describeLoopShapes(2, 3);
