/** The shape rules in src/shape.ts: sizes, strides, NumPy broadcasting, axis normalisation, errors. */
import { describe, expect, it } from 'vitest';
import {
  broadcastShapes, broadcastStrides, broadcastedAxes, checkShape, fmt, normAxes, normAxis, sameShape, sizeOf, splitAt, stridesOf,
} from '../src/shape.js';

describe('sizes and strides', () => {
  it('sizeOf, fmt, sameShape', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([5, 0])).toBe(0);
    expect(fmt([2, 3])).toBe('[2,3]');
    expect(fmt([])).toBe('[]');
    expect(sameShape([2, 3], [2, 3])).toBe(true);
    expect(sameShape([2, 3], [3, 2])).toBe(false);
    expect(sameShape([1], [1, 1])).toBe(false);
  });
  it('row-major strides: the last axis is contiguous', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([5])).toEqual([1]);
    expect(stridesOf([])).toEqual([]);
  });
  it('checkShape accepts non-negative integers only', () => {
    expect(checkShape('op', [2, 0, 3])).toEqual([2, 0, 3]);
    expect(() => checkShape('op', [2, -1])).toThrow(/op: shape must be an array of non-negative integers, got \[2,-1\]/);
    expect(() => checkShape('op', [1.5])).toThrow(/op: shape must be/);
    expect(() => checkShape('op', 'abc')).toThrow(/op: shape must be an array of non-negative integers, got abc/);
  });
});

describe('NumPy broadcasting', () => {
  const cases: [number[], number[], number[]][] = [
    [[2, 3], [2, 3], [2, 3]],
    [[2, 3], [3], [2, 3]],
    [[2, 3], [2, 1], [2, 3]],
    [[2, 1], [1, 3], [2, 3]],
    [[], [4, 5], [4, 5]],
    [[8, 1, 6, 1], [7, 1, 5], [8, 7, 6, 5]],
    [[5, 4], [1], [5, 4]],
    [[15, 3, 5], [15, 1, 5], [15, 3, 5]],
    [[0, 3], [1, 3], [0, 3]],
  ];
  for (const [a, b, out] of cases) {
    it(`${fmt(a)} with ${fmt(b)} gives ${fmt(out)} (both orders)`, () => {
      expect(broadcastShapes('op', a, b)).toEqual(out);
      expect(broadcastShapes('op', b, a)).toEqual(out);
    });
  }
  it('incompatible shapes name the op, both shapes and the axis', () => {
    expect(() => broadcastShapes('add', [2, 3], [2])).toThrow('add: shapes [2,3] and [2] cannot be broadcast together (axis -1: 3 vs 2)');
    expect(() => broadcastShapes('mul', [2, 1], [8, 4, 3])).toThrow(/mul: shapes \[2,1\] and \[8,4,3\] cannot be broadcast together \(axis -2: 2 vs 4\)/);
  });
  it('broadcastStrides reads broadcast axes with stride 0', () => {
    expect(broadcastStrides([3], [2, 3])).toEqual([0, 1]);
    expect(broadcastStrides([2, 1], [2, 3])).toEqual([1, 0]);
    expect(broadcastStrides([2, 3], [2, 3])).toEqual([3, 1]);
    expect(broadcastStrides([], [2, 2])).toEqual([0, 0]);
  });
  it('broadcastedAxes lists the axes a gradient must be summed over', () => {
    expect(broadcastedAxes([3], [2, 3])).toEqual([0]);
    expect(broadcastedAxes([2, 1], [2, 3])).toEqual([1]);
    expect(broadcastedAxes([1, 3], [1, 3])).toEqual([]);
    expect(broadcastedAxes([], [2, 3])).toEqual([0, 1]);
    expect(broadcastedAxes([4, 1, 1], [2, 4, 5, 1])).toEqual([0, 2]);
  });
});

describe('axes', () => {
  it('normAxis accepts [-rank, rank) and counts negatives from the end', () => {
    expect(normAxis('op', 0, 3)).toBe(0);
    expect(normAxis('op', -1, 3)).toBe(2);
    expect(normAxis('op', -3, 3)).toBe(0);
    expect(normAxis('op', 0, 0)).toBe(0); // a scalar's only "axis"
    expect(() => normAxis('sum', 3, 3)).toThrow('sum: axis 3 is out of range for a tensor of rank 3 (expected an integer in [-3, 2])');
    expect(() => normAxis('sum', -4, 3)).toThrow(/axis -4 is out of range/);
    expect(() => normAxis('sum', 0.5, 3)).toThrow(/axis 0.5 is out of range/);
  });
  it('normAxes: undefined/null is all axes; the result is sorted and distinct', () => {
    expect(normAxes('op', undefined, 3)).toEqual([0, 1, 2]);
    expect(normAxes('op', null, 2)).toEqual([0, 1]);
    expect(normAxes('op', -1, 3)).toEqual([2]);
    expect(normAxes('op', [2, -3], 3)).toEqual([0, 2]);
    expect(normAxes('op', [], 3)).toEqual([]);
    expect(() => normAxes('max', [1, -1], 2)).toThrow('max: repeated axis in [1,-1]');
  });
  it('splitAt views a shape as [outer, size, inner] around an axis', () => {
    expect(splitAt([2, 3, 4], 0)).toEqual({ outer: 1, size: 2, inner: 12 });
    expect(splitAt([2, 3, 4], 1)).toEqual({ outer: 2, size: 3, inner: 4 });
    expect(splitAt([2, 3, 4], 2)).toEqual({ outer: 6, size: 4, inner: 1 });
    expect(splitAt([], 0)).toEqual({ outer: 1, size: 1, inner: 1 });
  });
});
