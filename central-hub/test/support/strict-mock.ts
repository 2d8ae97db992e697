/**
 * A mock of an interface where every method throws until a test stubs it (Immich's `newTestService`
 * idea): a service calling a repository method the test did not expect fails loudly instead of
 * getting `undefined`. Typed as `T` too, so it can stand for a concrete class (whose private fields
 * the Proxy does not have, but nothing outside the class can reach them).
 */
export type StrictMock<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? jest.Mock<R, A> : T[K];
};

export function strictMock<T extends object>(name: string): StrictMock<T> & T {
  const mocks = new Map<string, jest.Mock>();
  return new Proxy({} as StrictMock<T> & T, {
    get(_target, property) {
      // Not a thenable, not a primitive: answers only to method names.
      if (typeof property === 'symbol' || property === 'then') return undefined;
      let mock = mocks.get(property);
      if (!mock) {
        mock = jest.fn(() => {
          throw new Error(`${name}.${property}() was called but the test did not stub it`);
        });
        mocks.set(property, mock);
      }
      return mock;
    },
  });
}
