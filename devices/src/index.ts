// Hardware drivers behind small interfaces, each with a real driver and a virtual device on the same OS stack.
export * from './card';
export * from './peripherals';
