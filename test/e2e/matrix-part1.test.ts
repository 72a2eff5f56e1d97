// Every shipped scenario on every adapter, part 1 of 3 (test/helpers/matrix.ts).
import { describeMatrix } from '../helpers/matrix.js';

describeMatrix(0, 3);
