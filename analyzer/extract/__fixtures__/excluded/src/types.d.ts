export declare const declared: number;
