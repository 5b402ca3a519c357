/** asl-validator 4 ships no types. */
declare module 'asl-validator' {
  /** Validates an ASL definition (mutates its input: pass a clone). */
  export default function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): {
    isValid: boolean;
    errors: { message?: string; path?: string; 'Error code'?: string }[];
    errorsText: (sep?: string) => string;
  };
}
