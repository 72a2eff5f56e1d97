// Every shipped scenario on every adapter, part 2 of 3 (test/helpers/matrix.ts).
import { describeMatrix } from '../helpers/matrix.js';

describeMatrix(1, 3);
