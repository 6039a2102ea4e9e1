const legacy = { version: 1 };
export = legacy;
