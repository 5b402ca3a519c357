// Registers the aws-sdk-client-mock matchers (toHaveReceivedCommandWith, ...).
import 'aws-sdk-client-mock-jest';
