export { exampleDataModule } from './module';
