export declare const globalsThing: string;
