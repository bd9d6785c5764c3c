import { strict as assert } from 'node:assert';

import { quantity } from '../../src/shared/quantity';

describe('quantity: a number with its noun', () => {
  it('uses the singular for exactly one', () => {
    assert.equal(quantity(1, 'backup'), '1 backup');
    assert.equal(quantity(1, 'YANG file'), '1 YANG file');
  });

  it('uses the plural for zero and for more than one', () => {
    assert.equal(quantity(0, 'backup'), '0 backups');
    assert.equal(quantity(2, 'package'), '2 packages');
    assert.equal(quantity(12, 'warning'), '12 warnings');
  });

  it('takes an irregular plural', () => {
    assert.equal(quantity(1, 'entry', 'entries'), '1 entry');
    assert.equal(quantity(3, 'entry', 'entries'), '3 entries');
  });
});
